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
// `breakglass review REQUEST` gets the same treatment for the canonical review
// statement (vault/core/review_statement.h): CheckReviewStatementToSign
// accepts only review bytes (never an approval's) whose request, reviewer
// (the certificate's CN), credential, credential_version, requester, incident
// and reason_sha256 equal what was typed and shown, whose release_log_index
// and rotated_to_version equal the review status shown with the request
// (Request.review; a request shown without one is refused), and — when the
// reviewer's input is given — whose justified, actions, findings and
// follow-ups equal what was typed.
//
// Thread-safety: pure functions.
#ifndef BREAKGLASS_API_CLI_STATEMENT_CHECK_H_
#define BREAKGLASS_API_CLI_STATEMENT_CHECK_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "api/proto/breakglass/v1/breakglass.pb.h"
#include "vault/core/review_statement.h"
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

// What the reviewer asked for and was shown.
struct ShownReview {
  std::string request_id;  // as typed on the command line
  std::string reviewer;    // the CN of the CLI's client certificate
  pb::Request request;     // the request as displayed
  // What the reviewer typed (breakglass review always gives it); nullopt:
  // the input members are shown, not compared.
  std::optional<core::ReviewInput> input;
};

// The parsed statement when `statement_bytes` are a review statement saying
// what `shown` says (file comment). Otherwise DATA_LOSS with exit code 7,
// naming the first differing member with both values, or saying that the
// bytes are an approval statement or no review statement at all.
absl::StatusOr<core::ReviewStatement> CheckReviewStatementToSign(const ShownReview& shown,
                                                                 std::string_view statement_bytes);

}  // namespace breakglass::cli

#endif  // BREAKGLASS_API_CLI_STATEMENT_CHECK_H_
