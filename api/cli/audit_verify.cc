// `breakglass audit verify DIR`: the auditor's offline check of an exported
// bundle. This file depends only on vault/verify (which links merkle, crypto,
// base and tpm/evidence): an auditor's check does not run the code it checks,
// and needs no appliance, HSM or TPM.
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "api/cli/commands.h"
#include "vault/base/status.h"
#include "vault/verify/verifier.h"

namespace breakglass::cli {
namespace {

struct VerifyFlags {
  std::string dir;
  std::string log_key;
  std::string ak_fingerprint;
  std::string known_checkpoint_file;
  bool strict = false;
};

absl::Status Verify(Context& ctx, const VerifyFlags& f) {
  verify::VerifyOptions options;
  options.trusted_log_key = f.log_key;
  options.trusted_ak_fingerprint = f.ak_fingerprint;
  options.strict = f.strict;
  if (!f.known_checkpoint_file.empty()) {
    std::ifstream in(f.known_checkpoint_file, std::ios::binary);
    if (!in) {
      return absl::InvalidArgumentError(
          absl::StrCat("--known-checkpoint: cannot read ", f.known_checkpoint_file));
    }
    std::ostringstream text;
    text << in.rdbuf();
    options.known_checkpoint = text.str();
  }
  const absl::StatusOr<verify::Summary> verdict = verify::VerifyBundle(f.dir, options);
  if (ctx.json) {
    *ctx.out << verify::VerdictJson(verdict) << "\n";
  } else if (verdict.ok()) {
    *ctx.out << verdict->ToText();
  }
  if (!verdict.ok()) {
    return absl::Status(verdict.status().code(),
                        absl::StrCat("bundle ", f.dir, " does NOT verify: ",
                                     std::string(verdict.status().message())));
  }
  return absl::OkStatus();
}

}  // namespace

void AddAuditVerify(CLI::App& audit, Context& ctx) {
  auto f = std::make_shared<VerifyFlags>();
  CLI::App* cmd = audit.add_subcommand(
      "verify", "Verify an exported bundle fully offline (no appliance, HSM or TPM): every "
                "leaf, checkpoint signature, consistency, and the TPM counter evidence");
  cmd->add_option("dir", f->dir, "Bundle directory (from audit export)")->required();
  cmd->add_option("--log-key", f->log_key,
                  "The log verifier key recorded at provisioning (breakglass init)");
  cmd->add_option("--ak-fingerprint", f->ak_fingerprint,
                  "The attestation key fingerprint recorded at provisioning, SHA256:HEX");
  cmd->add_option("--known-checkpoint", f->known_checkpoint_file,
                  "A signed checkpoint you already hold: the bundle must extend it");
  cmd->add_flag("--strict", f->strict, "Treat warnings (e.g. unpinned keys) as failures");
  cmd->footer("Exit 0 when the bundle verifies, 4 when it does not (the message names the "
              "first bad leaf or checkpoint).\n"
              "Example: breakglass audit verify ./bundle --log-key 'bg.example/log+1a2b3c4d+AbC...'");
  cmd->callback([&ctx, f] { ctx.action = [&ctx, f] { return Verify(ctx, *f); }; });
}

}  // namespace breakglass::cli
