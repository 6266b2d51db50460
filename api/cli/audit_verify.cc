// `breakglass audit verify DIR`: the auditor's offline check of an exported
// bundle. This file depends only on vault/verify (which links merkle, crypto,
// base and tpm/evidence): an auditor's check does not run the code it checks,
// and needs no appliance, HSM or TPM.
#include "absl/strings/str_cat.h"
#include "api/cli/commands.h"
#include "api/cli/trust_flags.h"
#include "vault/base/status.h"
#include "vault/verify/verifier.h"

namespace breakglass::cli {
namespace {

struct VerifyFlags {
  std::string dir;
  TrustFlags trust;
};

absl::Status Verify(Context& ctx, const VerifyFlags& f) {
  BG_ASSIGN_OR_RETURN(const verify::VerifyOptions options, VerifyOptionsFrom(f.trust));
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
      "verify",
      "Verify an exported bundle fully offline (no appliance, HSM or TPM): every "
      "leaf, checkpoint signature, consistency, and the TPM counter evidence");
  cmd->add_option("dir", f->dir, "Bundle directory (from audit export)")->required();
  AddTrustFlags(*cmd, &f->trust);
  cmd->footer(
      "Exit 0 when the bundle verifies, 4 when it does not (the message names the "
      "first bad leaf or checkpoint).\n"
      "Example: breakglass audit verify ./bundle --log-key 'bg.example/log+1a2b3c4d+AbC...'");
  cmd->callback([&ctx, f] { ctx.action = [&ctx, f] { return Verify(ctx, *f); }; });
}

}  // namespace breakglass::cli
