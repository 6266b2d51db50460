// The auditor's trust inputs for verifying an audit bundle offline — the log
// verifier key and attestation key fingerprint recorded at provisioning
// (`breakglass init` prints both), a checkpoint already held, the least
// number of custodian approvals a rollback clear must carry, and --strict —
// as flags shared by `audit verify` and `report`, so both commands verify
// with exactly the same options. Depends only on vault/verify.
//
// Thread-safety: single-threaded (the CLI's main thread).
#ifndef BREAKGLASS_API_CLI_TRUST_FLAGS_H_
#define BREAKGLASS_API_CLI_TRUST_FLAGS_H_

#include <string>

#include "absl/status/statusor.h"
#include "api/cli/cli11.h"
#include "vault/verify/verifier.h"

namespace breakglass::cli {

struct TrustFlags {
  std::string log_key;
  std::string ak_fingerprint;
  std::string known_checkpoint_file;
  uint32_t min_clear_approvals = 1;
  bool strict = false;
};

// Registers --log-key, --ak-fingerprint, --known-checkpoint,
// --min-clear-approvals and --strict on
// `cmd`, storing into `*flags` (which must outlive the parse).
void AddTrustFlags(CLI::App& cmd, TrustFlags* flags);

// The verifier options the flags give. INVALID_ARGUMENT naming
// --known-checkpoint when that file cannot be read.
absl::StatusOr<verify::VerifyOptions> VerifyOptionsFrom(const TrustFlags& flags);

}  // namespace breakglass::cli

#endif  // BREAKGLASS_API_CLI_TRUST_FLAGS_H_
