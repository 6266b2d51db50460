#include "api/cli/output.h"

#include <google/protobuf/util/json_util.h>

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "vault/base/encoding.h"

namespace breakglass::cli {
namespace {

// "REQUEST_STATE_PENDING" with prefix "REQUEST_STATE_" -> "pending".
std::string EnumText(const std::string& name, std::string_view prefix) {
  std::string text = name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name;
  absl::AsciiStrToLower(&text);
  return text.empty() ? "unspecified" : text;
}

std::string Seconds(int64_t s) { return absl::FormatDuration(absl::Seconds(s)); }

// True for the UTF-8 encodings of U+202A..U+202E and U+2066..U+2069.
bool IsBidiControl(std::string_view text, size_t i) {
  if (i + 2 >= text.size() || static_cast<unsigned char>(text[i]) != 0xE2) return false;
  const auto b1 = static_cast<unsigned char>(text[i + 1]);
  const auto b2 = static_cast<unsigned char>(text[i + 2]);
  return (b1 == 0x80 && b2 >= 0xAA && b2 <= 0xAE) || (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9);
}

std::string Escaped(std::string_view bytes) {
  std::string out;
  for (char c : bytes) absl::StrAppend(&out, "\\x", base::HexEncode(std::string_view(&c, 1)));
  return out;
}

}  // namespace

void PrintJson(std::ostream& out, const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(message, &json, options).ok()) {
    json = "{}";
  }
  out << json << "\n";
}

std::string FormatTime(int64_t unix_seconds) {
  if (unix_seconds == 0) return "-";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(unix_seconds),
                          absl::UTCTimeZone());
}

std::string RoleText(pb::Role role) { return EnumText(pb::Role_Name(role), "ROLE_"); }
std::string StateText(pb::RequestState state) {
  return EnumText(pb::RequestState_Name(state), "REQUEST_STATE_");
}
std::string CredentialStateText(pb::CredentialState state) {
  return EnumText(pb::CredentialState_Name(state), "CREDENTIAL_STATE_");
}
std::string DecisionText(pb::Decision decision) {
  return EnumText(pb::Decision_Name(decision), "DECISION_");
}

std::string DescribeIdentity(const pb::Identity& identity) {
  std::vector<std::string> roles;
  for (int r : identity.roles()) roles.push_back(RoleText(static_cast<pb::Role>(r)));
  std::string out = absl::StrCat(identity.name(), "  roles: ", absl::StrJoin(roles, ","),
                                 identity.active() ? "" : "  (removed)");
  if (!identity.signing_key_sha256_hex().empty()) {
    absl::StrAppend(&out, "  key sha256:", identity.signing_key_sha256_hex());
  }
  return out;
}

std::string DescribePolicy(const pb::Policy& policy) {
  std::vector<std::string> factors;
  for (const pb::Factor& f : policy.factors()) {
    factors.push_back(
        absl::StrCat(f.name(), ": ", f.required(), " of ", absl::StrJoin(f.custodians(), ",")));
  }
  std::vector<std::string> roles;
  for (int r : policy.requester_roles()) roles.push_back(RoleText(static_cast<pb::Role>(r)));
  return absl::StrCat(
      "  quorum:         ", absl::StrJoin(factors, " AND "), "\n",
      "  deny threshold: ", policy.deny_threshold(), "\n", "  incident:       /",
      policy.incident_pattern(), "/\n", "  reason:         at least ", policy.min_reason_length(),
      " bytes\n", "  approval window ", Seconds(policy.approval_window_seconds()), ", use window ",
      Seconds(policy.use_window_seconds()), "\n", "  requesters:     ", absl::StrJoin(roles, ","),
      "\n", "  review:         ", policy.reviewers_required(), " reviewer(s) within ",
      Seconds(policy.review_due_seconds()), ", overdue alerts every ",
      Seconds(policy.review_overdue_repeat_seconds()), "\n", "  blocking:       ",
      policy.overdue_review_extra_approvals() == 0
          ? std::string("off")
          : absl::StrCat("+", policy.overdue_review_extra_approvals(),
                         " approvals while a review is overdue"),
      "\n");
}

std::string DescribeCredential(const pb::Credential& c) {
  return absl::StrCat(c.id(), " v", c.version(), "  ", CredentialStateText(c.state()),
                      c.description().empty() ? "" : "  — " + c.description(), "\n",
                      DescribePolicy(c.policy()));
}

std::string ReleaseKeyFingerprint(const pb::Request& request) {
  return base::HexEncode(request.release_public_key());
}

std::string PrintableText(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) {
      out += Escaped(text.substr(i, 1));
    } else if (c == 0xC2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      out += Escaped(text.substr(i++, 2));  // a C1 control character
    } else if (IsBidiControl(text, i)) {
      out += Escaped(text.substr(i, 3));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

namespace {

// The review block of a released request.
std::string DescribeReview(const pb::Request& r) {
  const pb::ReviewStatus& v = r.review();
  std::string out = absl::StrCat(
      "release    audit log index ", v.release_log_index(), "; credential ",
      v.rotated_to_version() == 0 ? std::string("not rotated since")
                                  : absl::StrCat("rotated to version ", v.rotated_to_version()),
      "\n", "review     ", v.reviews_size(), "/", v.reviewers_required(), " reviewers",
      v.review_signed()
          ? absl::StrCat(", signed ", FormatTime(v.signed_unix()))
          : absl::StrCat(", due ", FormatTime(v.due_unix()), v.overdue() ? " (OVERDUE)" : ""),
      "\n");
  for (const pb::SignedReview& s : v.reviews()) {
    absl::StrAppend(&out, "  reviewed by ", s.reviewer(), " at ", FormatTime(s.signed_unix()),
                    ", justified: ", s.justified() == pb::ACCESS_JUSTIFIED_YES ? "yes" : "no",
                    "\n");
  }
  absl::StrAppend(&out, "closed     ",
                  r.closed() ? absl::StrCat("yes, ", FormatTime(v.closed_unix()))
                             : std::string("no (needs a rotation and a signed review)"),
                  "\n");
  return out;
}

}  // namespace

std::string DescribeRequest(const pb::Request& r) {
  std::string out = absl::StrCat(
      "request    ", PrintableText(r.id()), "  (", StateText(r.state()), ")\n", "credential ",
      PrintableText(r.credential_id()), " v", r.credential_version(), "\n", "requester  ",
      PrintableText(r.requester()), "\n", "incident   ", PrintableText(r.incident()), "\n",
      "reason     ", PrintableText(r.reason()), "\n", "created    ", FormatTime(r.created_unix()),
      "; approvals until ", FormatTime(r.approval_expires_unix()), "\n", "release key ",
      r.release_public_key().empty() ? "-" : ReleaseKeyFingerprint(r), "\n", "quorum     ",
      r.quorum_summary().empty() ? "-" : r.quorum_summary(), "\n");
  for (const pb::CustodianDecision& d : r.decisions()) {
    absl::StrAppend(&out, "  ", DecisionText(d.decision()), " by ", d.custodian(), " at ",
                    FormatTime(d.decided_unix()), "\n");
  }
  if (r.use_until_unix() != 0)
    absl::StrAppend(&out, "fetch by   ", FormatTime(r.use_until_unix()), "\n");
  if (r.has_review()) absl::StrAppend(&out, DescribeReview(r));
  return out;
}

std::string RequestLine(const pb::Request& r) {
  return absl::StrCat(r.id(), "  ", StateText(r.state()), "  ", r.credential_id(), " v",
                      r.credential_version(), "  ", r.requester(), "  ", r.incident(), "  ",
                      r.quorum_summary(), r.closed() ? "  closed" : "");
}

std::string EventLine(const pb::Event& e) {
  return absl::StrCat("#", e.index(), " ", FormatTime(e.time_unix()), " ", e.type(),
                      e.actor().empty() ? "" : " by " + e.actor(),
                      e.subject().empty() ? "" : " on " + e.subject(),
                      e.incident().empty() ? "" : " [" + e.incident() + "]",
                      e.summary().empty() ? "" : ": " + e.summary());
}

}  // namespace breakglass::cli
