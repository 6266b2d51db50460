// What the CLI checks before a custodian signs a rollback-clear statement
// (`breakglass rollback approve`; format: vault/audit/rollback_clear.h).
//
// The custodian is shown the statement itself, line by line, and the counters
// the appliance reports with it. A compromised appliance could send other
// bytes to sign — an approval of a credential release, or a clear for other
// numbers than it shows. CheckRollbackClearToSign accepts the bytes only
// when they are exactly what is displayed, have the rollback-clear shape
// (header "breakglass-rollback-clear-v1", origin, log size and root, latest
// checkpoint, one line per counter, nothing else, printable ASCII), and their
// counter lines state exactly the displayed counters' logged and TPM values.
// Whether the log root and checkpoint are the ones the custodian expects is
// theirs to compare with what they hold (the last audit bundle, a recorded
// checkpoint).
//
// Refusals are DATA_LOSS with exit code 7 (kExitStatementMismatch): nothing
// is signed, nothing is sent.
//
// Thread-safety: pure functions.
#ifndef BREAKGLASS_API_CLI_ROLLBACK_CHECK_H_
#define BREAKGLASS_API_CLI_ROLLBACK_CHECK_H_

#include <string_view>

#include "absl/status/status.h"
#include "api/proto/breakglass/v1/breakglass.pb.h"

namespace breakglass::cli {

// OK when `statement_bytes` may be signed as the clear `shown` describes
// (file comment).
absl::Status CheckRollbackClearToSign(const ::breakglass::v1::RollbackRecovery& shown,
                                      std::string_view statement_bytes);

}  // namespace breakglass::cli

#endif  // BREAKGLASS_API_CLI_ROLLBACK_CHECK_H_
