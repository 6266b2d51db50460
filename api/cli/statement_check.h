// What the CLI checks before a custodian signs bytes the appliance sent.
//
// `breakglass approve|deny REQUEST` shows the custodian the request as the
// appliance describes it (GetStatement's `request`) and then signs the
// statement bytes the appliance sent with it. A compromised appliance could
// send bytes for another request, credential, requester, incident, reason,
// expiry, release key or decision, and so collect a custodian's signature
// over something the custodian never saw. CheckStatementToSign parses the
// bytes as the canonical approval statement (vault/core/statement.h) and
// accepts them only when every member equals what the CLI knows or showed:
//
//   request             the id typed on the command line
//   custodian           the CN of the CLI's own client certificate
//   decision            approve or deny, as typed
//   credential, credential_version, requester, incident, expires
//                       the request as displayed
//   reason_sha256       SHA-256 of the displayed reason, computed here
//   release_key         the displayed release key (output.h
//                       ReleaseKeyFingerprint)
//
// Refusals are DATA_LOSS marked with exit code 7 (kExitStatementMismatch):
// nothing is signed, nothing is sent.
//
// Post-incident reviews have no canonical statement yet (the core does not
// implement them); CheckReviewStatementToSign only refuses bytes that are a
// statement of another kind (an approval), so a reviewer's key cannot be made
// to sign an approval.
//
// Thread-safety: pure functions.
#ifndef BREAKGLASS_API_CLI_STATEMENT_CHECK_H_
#define BREAKGLASS_API_CLI_STATEMENT_CHECK_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "api/proto/breakglass/v1/breakglass.pb.h"
#include "vault/core/statement.h"

namespace breakglass::cli {

namespace pb = ::breakglass::v1;

// What the custodian asked for and was shown.
struct ShownDecision {
  std::string request_id;  // as typed on the command line
  std::string custodian;   // the CN of the CLI's client certificate
  pb::Decision decision = pb::DECISION_UNSPECIFIED;
  pb::Request request;  // the request as displayed
};

// The parsed statement when `statement_bytes` says exactly what `shown`
// says. Otherwise DATA_LOSS with exit code 7, naming the first differing
// member (order as in the file comment) with both values, or saying that the
// bytes are not an approval statement.
absl::StatusOr<core::ApprovalStatement> CheckStatementToSign(const ShownDecision& shown,
                                                             std::string_view statement_bytes);

// The identity name of the PEM certificate in file `cert_path`: its single
// subject CN, as breakglassd maps it. INVALID_ARGUMENT naming --cert when the
// file cannot be read or has no single CN.
absl::StatusOr<std::string> CertificateIdentity(const std::string& cert_path);

// OK unless `statement_bytes` are a signed message of another kind (an
// approval statement); then DATA_LOSS with exit code 7.
absl::Status CheckReviewStatementToSign(std::string_view statement_bytes);

}  // namespace breakglass::cli

#endif  // BREAKGLASS_API_CLI_STATEMENT_CHECK_H_
