// The breakglass CLI's exit codes, documented in `breakglass --help` and the
// README. Scripts can rely on them.
//
//   0  ok
//   1  usage: bad flags or arguments, or the server refused a field
//      (INVALID_ARGUMENT); the message names it
//   2  refused: not allowed (PERMISSION_DENIED, UNAUTHENTICATED) or not now
//      (FAILED_PRECONDITION, ALREADY_EXISTS, ABORTED, OUT_OF_RANGE)
//   3  not found (NOT_FOUND)
//   4  verification failed: an audit bundle, proof, checkpoint, signature or
//      release box did not verify (DATA_LOSS)
//   5  unavailable: the server, HSM or TPM cannot be reached, a deadline
//      passed, or the server does not provide the RPC (UNAVAILABLE,
//      DEADLINE_EXCEEDED, UNIMPLEMENTED, RESOURCE_EXHAUSTED, CANCELLED)
//   6  internal error (INTERNAL, UNKNOWN, anything else)
//   7  not signed: the statement the appliance asked a custodian or reviewer
//      to sign does not say what the CLI showed or was told (another request,
//      credential, requester, incident, reason, expiry, release key,
//      decision, release log index, rotation or review answers); nothing was
//      signed or sent. Treat the appliance as compromised.
//
// A status carries exit code 7 (or any explicit one) as a payload set by
// WithExitCode; ExitCodeFor prefers the payload to the status code.
//
// Thread-safety: pure functions.
#ifndef BREAKGLASS_API_CLI_EXIT_CODES_H_
#define BREAKGLASS_API_CLI_EXIT_CODES_H_

#include "absl/status/status.h"

namespace breakglass::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 1;
inline constexpr int kExitRefused = 2;
inline constexpr int kExitNotFound = 3;
inline constexpr int kExitVerificationFailed = 4;
inline constexpr int kExitUnavailable = 5;
inline constexpr int kExitInternal = 6;
inline constexpr int kExitStatementMismatch = 7;

// `status` (not OK) marked so that ExitCodeFor returns `exit_code`.
absl::Status WithExitCode(absl::Status status, int exit_code);

// The exit code for a command that ended with `status`.
int ExitCodeFor(const absl::Status& status);

// The text block for --help.
inline constexpr char kExitCodesHelp[] =
    "Exit codes: 0 ok, 1 usage or invalid argument, 2 refused (permission or state),\n"
    "3 not found, 4 verification failed, 5 unavailable, 6 internal error,\n"
    "7 not signed: the statement to sign differs from the request shown.";

}  // namespace breakglass::cli

#endif  // BREAKGLASS_API_CLI_EXIT_CODES_H_
