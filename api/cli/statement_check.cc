#include "api/cli/statement_check.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/cli/exit_codes.h"
#include "api/cli/output.h"
#include "vault/base/encoding.h"
#include "vault/base/status.h"

namespace breakglass::cli {
namespace {

constexpr char kNothingSent[] =
    "; nothing was signed or sent. The appliance may be compromised: do not sign this request "
    "and report it to your security team";

absl::Status Mismatch(std::string what) {
  return WithExitCode(absl::DataLossError(absl::StrCat("refusing to sign: ", what, kNothingSent)),
                      kExitStatementMismatch);
}

// One member of the statement: what the appliance sent, and what the CLI
// expects with where that came from ("you asked for", "the request shown has").
struct Member {
  std::string name;
  std::string claimed;
  std::string expected;
  std::string source;
};

std::string Quoted(std::string_view v) { return absl::StrCat("'", PrintableText(v), "'"); }

std::string Time(int64_t unix_seconds) {
  return absl::StrCat(unix_seconds, " (", FormatTime(unix_seconds), ")");
}

std::vector<Member> Members(const ShownDecision& shown, const core::ApprovalStatement& c) {
  const pb::Request& r = shown.request;
  const bool approve = shown.decision == pb::DECISION_APPROVE;
  return {
      {"request", Quoted(c.request_id), Quoted(shown.request_id), "you asked for"},
      {"custodian", Quoted(c.custodian), Quoted(shown.custodian), "your client certificate names"},
      {"decision", Quoted(core::DecisionName(c.decision)), Quoted(approve ? "approve" : "deny"),
       "you chose"},
      {"credential", Quoted(c.credential_id), Quoted(r.credential_id()), "the request shown has"},
      {"credential_version", absl::StrCat(c.credential_version),
       absl::StrCat(r.credential_version()), "the request shown has"},
      {"requester", Quoted(c.requester), Quoted(r.requester()), "the request shown has"},
      {"incident", Quoted(c.incident), Quoted(r.incident()), "the request shown has"},
      {"reason_sha256", c.reason_sha256, core::ReasonSha256Hex(r.reason()),
       "the reason shown hashes to"},
      {"expires", Time(c.expires_unix), Time(r.approval_expires_unix()), "the request shown has"},
      {"release_key", c.release_key, ReleaseKeyFingerprint(r), "the request shown has"},
  };
}

std::vector<Member> ReviewMembers(const ShownReview& shown, const core::ReviewStatement& c) {
  const pb::Request& r = shown.request;
  std::vector<Member> members = {
      {"request", Quoted(c.request_id), Quoted(shown.request_id), "you asked for"},
      {"reviewer", Quoted(c.reviewer), Quoted(shown.reviewer), "your client certificate names"},
      {"credential", Quoted(c.credential_id), Quoted(r.credential_id()), "the request shown has"},
      {"credential_version", absl::StrCat(c.credential_version),
       absl::StrCat(r.credential_version()), "the request shown has"},
      {"requester", Quoted(c.requester), Quoted(r.requester()), "the request shown has"},
      {"incident", Quoted(c.incident), Quoted(r.incident()), "the request shown has"},
      {"reason_sha256", c.reason_sha256, core::ReasonSha256Hex(r.reason()),
       "the reason shown hashes to"},
      {"release_log_index", absl::StrCat(c.release_log_index),
       absl::StrCat(r.review().release_log_index()), "the release shown has"},
      {"rotated_to_version", absl::StrCat(c.rotated_to_version),
       absl::StrCat(r.review().rotated_to_version()), "the review status shown has"},
  };
  if (!shown.input) return members;
  const core::ReviewInput& in = *shown.input;
  members.push_back(
      {"justified", c.input.justified ? "yes" : "no", in.justified ? "yes" : "no", "you said"});
  members.push_back({"actions", Quoted(c.input.actions), Quoted(in.actions), "you wrote"});
  members.push_back({"findings", Quoted(c.input.findings), Quoted(in.findings), "you wrote"});
  members.push_back({"follow_ups", absl::StrCat(c.input.follow_ups.size()),
                     absl::StrCat(in.follow_ups.size()), "you gave"});
  for (size_t i = 0; i < in.follow_ups.size() && i < c.input.follow_ups.size(); ++i) {
    members.push_back({absl::StrCat("follow_up.", i), Quoted(c.input.follow_ups[i]),
                       Quoted(in.follow_ups[i]), "you wrote"});
  }
  return members;
}

}  // namespace

absl::StatusOr<core::ApprovalStatement> CheckStatementToSign(const ShownDecision& shown,
                                                             std::string_view statement_bytes) {
  if (shown.request.id() != shown.request_id) {
    return Mismatch(absl::StrCat("the appliance described request ", Quoted(shown.request.id()),
                                 " but you asked for ", Quoted(shown.request_id)));
  }
  absl::StatusOr<core::ApprovalStatement> claimed =
      core::ApprovalStatement::FromSignedBytes(statement_bytes);
  if (!claimed.ok()) {
    return Mismatch(
        absl::StrCat("the bytes the appliance asked you to sign are not an approval "
                     "statement (",
                     claimed.status().message(), ")"));
  }
  for (const Member& m : Members(shown, *claimed)) {
    if (m.claimed == m.expected) continue;
    return Mismatch(absl::StrCat("the statement the appliance sent has ", m.name, " ", m.claimed,
                                 " but ", m.source, " ", m.expected));
  }
  return claimed;
}

absl::StatusOr<std::string> CertificateIdentity(const std::string& cert_path) {
  std::ifstream in(cert_path, std::ios::binary);
  std::ostringstream pem;
  pem << in.rdbuf();
  const std::string text = pem.str();
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(text.data(), static_cast<int>(text.size())), BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr, X509_free);
  if (!in || !cert) {
    return absl::InvalidArgumentError(
        absl::StrCat("--cert: cannot read a PEM certificate from ", cert_path));
  }
  const X509_NAME* subject = X509_get_subject_name(cert.get());
  const int at = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  unsigned char* utf8 = nullptr;
  const int length =
      at < 0 || X509_NAME_get_index_by_NID(subject, NID_commonName, at) >= 0
          ? -1
          : ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, at)));
  if (length < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--cert: ", cert_path, " must carry exactly one subject CN (your identity name)"));
  }
  std::string name(reinterpret_cast<const char*>(utf8), static_cast<size_t>(length));
  OPENSSL_free(utf8);
  return name;
}

absl::StatusOr<core::ReviewStatement> CheckReviewStatementToSign(const ShownReview& shown,
                                                                 std::string_view statement_bytes) {
  if (statement_bytes.substr(0, core::kApprovalDomain.size()) == core::kApprovalDomain) {
    return Mismatch(
        "the appliance sent an approval statement as the review to sign (a review is never an "
        "approval)");
  }
  if (shown.request.id() != shown.request_id) {
    return Mismatch(absl::StrCat("the appliance described request ", Quoted(shown.request.id()),
                                 " but you asked for ", Quoted(shown.request_id)));
  }
  if (!shown.request.has_review()) {
    return Mismatch(absl::StrCat("the appliance described request ", Quoted(shown.request_id),
                                 " without a release to review"));
  }
  absl::StatusOr<core::ReviewStatement> claimed =
      core::ReviewStatement::FromSignedBytes(statement_bytes);
  if (!claimed.ok()) {
    return Mismatch(
        absl::StrCat("the bytes the appliance asked you to sign are not a review statement (",
                     claimed.status().message(), ")"));
  }
  for (const Member& m : ReviewMembers(shown, *claimed)) {
    if (m.claimed == m.expected) continue;
    return Mismatch(absl::StrCat("the review statement the appliance sent has ", m.name, " ",
                                 m.claimed, " but ", m.source, " ", m.expected));
  }
  return claimed;
}

}  // namespace breakglass::cli
