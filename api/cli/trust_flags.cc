#include "api/cli/trust_flags.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace breakglass::cli {

void AddTrustFlags(CLI::App& cmd, TrustFlags* flags) {
  cmd.add_option("--log-key", flags->log_key,
                 "The log verifier key recorded at provisioning (breakglass init)");
  cmd.add_option("--ak-fingerprint", flags->ak_fingerprint,
                 "The attestation key fingerprint recorded at provisioning, SHA256:HEX");
  cmd.add_option("--known-checkpoint", flags->known_checkpoint_file,
                 "A signed checkpoint you already hold: the bundle must extend it");
  cmd.add_option("--min-clear-approvals", flags->min_clear_approvals,
                 "A rollback clear in the log must carry at least this many valid custodian "
                 "approvals (default 1: what the appliance required)")
      ->check(CLI::Range(1, 64));
  cmd.add_flag("--strict", flags->strict, "Treat warnings (e.g. unpinned keys) as failures");
}

absl::StatusOr<verify::VerifyOptions> VerifyOptionsFrom(const TrustFlags& flags) {
  verify::VerifyOptions options;
  options.trusted_log_key = flags.log_key;
  options.trusted_ak_fingerprint = flags.ak_fingerprint;
  options.strict = flags.strict;
  options.min_rollback_clear_approvals = flags.min_clear_approvals;
  if (!flags.known_checkpoint_file.empty()) {
    std::ifstream in(flags.known_checkpoint_file, std::ios::binary);
    if (!in) {
      return absl::InvalidArgumentError(
          absl::StrCat("--known-checkpoint: cannot read ", flags.known_checkpoint_file));
    }
    std::ostringstream text;
    text << in.rdbuf();
    options.known_checkpoint = text.str();
  }
  return options;
}

}  // namespace breakglass::cli
