#include "vault/report/checks.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "vault/base/encoding.h"
#include "vault/crypto/sha256.h"
#include "vault/crypto/signature.h"

namespace breakglass::report {
namespace {

using json = nlohmann::json;

const LoggedEvent* FirstOfType(const IncidentLog& log, const char* type) {
  for (const LoggedEvent& e : log.events()) {
    if (e.type() == type) return &e;
  }
  return nullptr;
}

bool HasRole(const RegisteredKey& key, absl::string_view role) {
  for (absl::string_view r : absl::StrSplit(key.roles, ',')) {
    if (r == role) return true;
  }
  return false;
}

Check ReasonCheck(const LoggedEvent& request) {
  const std::string want = request.Str("reason_sha256");
  const std::string got = base::HexEncode(crypto::Sha256String(request.Str("reason")));
  if (got == want) {
    return {"reason", true, "the logged reason hashes to the reason_sha256 custodians sign"};
  }
  return {"reason", false,
          absl::StrCat("the logged reason hashes to ", got, " but the event states reason_sha256 ",
                       want)};
}

// The statement member `key` as text, for comparing with the request's.
std::string MemberText(const json& statement, const char* key) {
  const auto it = statement.find(key);
  if (it == statement.end()) return "(missing)";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

using Expected = std::vector<std::pair<const char*, std::string>>;

// The first member of `s` that differs from `expected`, as a sentence.
std::optional<std::string> FirstDifference(const json& s, const Expected& expected) {
  for (const auto& [key, want] : expected) {
    const std::string got = MemberText(s, key);
    if (got != want) {
      return absl::StrCat("the signed statement's ", key, " is '", got, "' but the log's is '",
                          want, "'");
    }
  }
  return std::nullopt;
}

// The members every statement about the request shares with its event.
Expected RequestMembers(const LoggedEvent& request) {
  return {{"request", request.Str("subject")},
          {"credential", request.Str("credential")},
          {"credential_version", std::to_string(request.Int("credential_version"))},
          {"requester", request.Str("actor")},
          {"incident", request.Str("incident")},
          {"reason_sha256", request.Str("reason_sha256")}};
}

Check ApprovalStatementCheck(const LoggedEvent& event, const LoggedEvent& request) {
  const json s = json::parse(event.Str("statement"), nullptr, /*allow_exceptions=*/false);
  if (!s.is_object()) return {"statement", false, "the event holds no signed statement object"};
  const std::string decision = event.type() == "approval" ? "approve" : "deny";
  Expected expected = RequestMembers(request);
  expected.insert(expected.end(), {{"custodian", event.Str("actor")},
                                   {"decision", decision},
                                   {"release_key", request.Str("release_key")},
                                   {"expires", std::to_string(request.Int("expires"))}});
  if (auto diff = FirstDifference(s, expected)) return {"statement", false, *diff};
  if (s.size() != expected.size()) {
    return {"statement", false, "the signed statement has members beyond the approval format"};
  }
  return {"statement", true,
          absl::StrCat("the signed statement is this request's (", decision, " by ",
                       event.Str("actor"), ", incident ", request.Str("incident"),
                       ", same reason, release key and expiry)")};
}

// A review statement with its domain line, or without (then kReviewDomain).
std::string ReviewMessage(const std::string& statement) {
  if (statement.rfind("breakglass-", 0) == 0) return statement;
  return absl::StrCat(kReviewDomain, statement);
}

// The rotation the review states against the log's: rotated_to_version 0
// means no rotation before the review, else the first one is at most it.
std::optional<std::string> RotationDifference(const json& s, const LoggedEvent& review,
                                              const IncidentLog& log) {
  const LoggedEvent* rotation = FirstOfType(log, "rotation");
  if (rotation != nullptr && rotation->index > review.index) rotation = nullptr;
  const auto it = s.find("rotated_to_version");
  const int64_t stated = it != s.end() && it->is_number_integer() ? it->get<int64_t>() : -1;
  if (stated < 0) return "the signed statement has no rotated_to_version";
  if (stated == 0 && rotation != nullptr) {
    return absl::StrCat("the review says not rotated, but leaf ", rotation->index,
                        " rotated the credential before it");
  }
  if (stated > 0 && (rotation == nullptr || rotation->Int("version") > stated)) {
    return absl::StrCat("the review says rotated to version ", stated,
                        ", but the log has no such rotation before it");
  }
  return std::nullopt;
}

Check ReviewStatementCheck(const LoggedEvent& event, const IncidentLog& log) {
  const LoggedEvent& request = log.events().front();
  std::string text = event.Str("statement");
  if (text.rfind("breakglass-", 0) == 0)
    text = text.substr(std::min(text.size(), text.find('\n') + 1));
  const json s = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!s.is_object()) return {"statement", false, "the event holds no signed statement object"};
  const LoggedEvent* release = FirstOfType(log, "release");
  if (release == nullptr) return {"statement", false, "the log has no release of this request"};
  Expected expected = RequestMembers(request);
  expected.insert(expected.end(), {{"reviewer", event.Str("actor")},
                                   {"release_log_index", std::to_string(release->index)}});
  if (event.json.contains("justified")) expected.push_back({"justified", event.Str("justified")});
  if (auto diff = FirstDifference(s, expected)) return {"statement", false, *diff};
  if (auto diff = RotationDifference(s, event, log)) return {"statement", false, *diff};
  return {"statement", true,
          absl::StrCat("the signed review is of this request's release at leaf ", release->index,
                       " (justified: ", MemberText(s, "justified"), ", rotated to version ",
                       MemberText(s, "rotated_to_version"), ")")};
}

Check SignatureCheck(const LoggedEvent& event, const IncidentLog& log, absl::string_view role,
                     const std::string& message) {
  const std::string who = event.Str("actor");
  const auto fail = [&](std::string why) { return Check{"signature", false, std::move(why)}; };
  const RegisteredKey* key = log.KeyOf(who, event.index);
  if (key == nullptr) return fail(absl::StrCat("no key is registered for ", who, " before it"));
  if (!HasRole(*key, role)) {
    return fail(absl::StrCat(who, " was registered (leaf ", key->index, ") without role ",
                             std::string(role)));
  }
  if (key->pem.empty()) {
    return fail(absl::StrCat("the registration of ", who, " (leaf ", key->index,
                             ") does not carry the public key; the signature cannot be "
                             "re-verified from the log"));
  }
  absl::StatusOr<crypto::PublicKey> pub = crypto::PublicKey::FromPem(key->pem);
  if (!pub.ok())
    return fail(absl::StrCat("the registered key does not load: ", pub.status().message()));
  const std::string stated = event.Str("key_fingerprint");
  if (pub->FingerprintHex() != key->fingerprint ||
      (!stated.empty() && stated != key->fingerprint)) {
    return fail(absl::StrCat("the event states key ", stated, " but ", who, "'s registered key is ",
                             pub->FingerprintHex()));
  }
  absl::StatusOr<std::string> signature = base::Base64Decode(event.Str("signature"));
  if (!signature.ok()) return fail("the signature is not base64");
  if (absl::Status ok = pub->Verify(message, *signature); !ok.ok()) {
    return fail(absl::StrCat("the signature by ", who, " does NOT verify with key ",
                             pub->FingerprintHex(), ": ", ok.message()));
  }
  return {"signature", true,
          absl::StrCat("signed by ", who, " with the key registered at leaf ", key->index, " (",
                       pub->FingerprintHex(), "); signature verified")};
}

Check ApproversCheck(const LoggedEvent& release, const IncidentLog& log) {
  std::set<std::string> approved;
  for (const LoggedEvent& e : log.events()) {
    if (e.index < release.index && e.type() == "approval") approved.insert(e.Str("actor"));
  }
  std::vector<std::string> missing;
  const std::string approvers = release.Str("approvers");
  for (absl::string_view a : absl::StrSplit(approvers, ',', absl::SkipEmpty())) {
    if (approved.count(std::string(a)) == 0) missing.emplace_back(a);
  }
  if (approvers.empty()) return {"approvers", false, "the release names no approver"};
  if (!missing.empty()) {
    return {"approvers", false,
            absl::StrCat("no logged approval by ", absl::StrJoin(missing, ", "),
                         " precedes the release")};
  }
  return {"approvers", true,
          absl::StrCat("each approver (", approvers,
                       ") has a logged approval of this request before it")};
}

Check BoxCheck(const LoggedEvent& fetch, const IncidentLog& log) {
  const LoggedEvent* release = FirstOfType(log, "release");
  if (release == nullptr || release->index > fetch.index) {
    return {"box", false, "no release of this request precedes the fetch"};
  }
  if (release->Str("box_sha256") != fetch.Str("box_sha256")) {
    return {"box", false, "the fetched box is not the released one (box_sha256 differs)"};
  }
  return {"box", true,
          absl::StrCat("the fetched box is the one released at leaf ", release->index)};
}

}  // namespace

std::vector<Check> CheckEvent(const LoggedEvent& event, const IncidentLog& log) {
  const LoggedEvent& request = log.events().front();
  const std::string type = event.type();
  if (type == "request") return {ReasonCheck(event)};
  if (type == "approval" || type == "denial") {
    return {ApprovalStatementCheck(event, request),
            SignatureCheck(event, log, "custodian",
                           absl::StrCat(kApprovalDomain, event.Str("statement")))};
  }
  if (type == "release") return {ApproversCheck(event, log)};
  if (type == "fetch") return {BoxCheck(event, log)};
  if (type == "review" && event.json.contains("statement") && event.json.contains("signature")) {
    return {ReviewStatementCheck(event, log),
            SignatureCheck(event, log, "reviewer", ReviewMessage(event.Str("statement")))};
  }
  return {};
}

}  // namespace breakglass::report
