// rollback status | rollback approve: leaving the rollback state (README.md
// "Rollback recovery"). breakglassd, started with --recover-rollback after its
// start-up check found the state disagreeing with the TPM counters, serves
// the rollback-clear statement; custodians sign it with their own key, and
// the approval that completes the quorum clears the rollback.
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/cli/command_util.h"
#include "api/cli/commands.h"
#include "api/cli/output.h"
#include "api/cli/rollback_check.h"
#include "api/cli/sign_flow.h"
#include "api/cli/signer.h"
#include "vault/base/status.h"

namespace breakglass::cli {
namespace {

std::string DescribeRecovery(const pb::RollbackRecovery& r) {
  if (r.cleared()) {
    std::string out = absl::StrCat("ROLLBACK CLEARED by ", absl::StrJoin(r.approved_by(), ", "),
                                   " (", r.approved_by_size(), " of ", r.required_approvals(),
                                   "): breakglassd serves normally\n");
    for (const std::string& action : r.actions()) absl::StrAppend(&out, "  ", action, "\n");
    return out;
  }
  std::string out =
      "ROLLBACK RECOVERY: the state disagrees with the TPM counters; releases are refused "
      "until a quorum of custodians approves the clear\n";
  for (const pb::RollbackCounter& c : r.counters()) {
    absl::StrAppend(&out, "counter ", c.counter(), ": the audit log states ", c.log_value(),
                    ", the TPM holds ", c.tpm_value(),
                    c.log_value() == c.tpm_value() ? " (agree)" : " (DISAGREE)", "\n");
  }
  absl::StrAppend(&out, "approvals: ", r.approved_by_size(), " of ", r.required_approvals(),
                  r.approved_by().empty() ? "" : " (", absl::StrJoin(r.approved_by(), ", "),
                  r.approved_by().empty() ? "" : ")", "\n",
                  "statement custodians sign (breakglass rollback approve):\n");
  std::string_view rest = r.statement();
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    absl::StrAppend(&out, "  ", PrintableText(rest.substr(0, nl)), "\n");
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
  }
  return out;
}

void AddRollbackStatus(CLI::App& parent, Context& ctx) {
  CLI::App* cmd = parent.add_subcommand(
      "status",
      "Is the appliance in rollback recovery? The counters (log and TPM values), the "
      "statement to sign and the approvals so far");
  cmd->callback([&ctx] {
    ctx.action = [&ctx]() -> absl::Status {
      BG_ASSIGN_OR_RETURN(Client * client, ctx.client());
      BG_ASSIGN_OR_RETURN(auto status, client->GetStatus({}));
      Emit(ctx, status.rollback_recovery(), [&]() -> std::string {
        if (status.has_rollback_recovery()) return DescribeRecovery(status.rollback_recovery());
        return absl::StrCat(
            "no rollback recovery: ",
            status.release_block().empty() ? "releases are allowed" : status.release_block(), "\n");
      });
      return absl::OkStatus();
    };
  });
}

absl::Status Approve(Context& ctx, const SignOpts& f) {
  BG_ASSIGN_OR_RETURN(const SigningKeySpec key, KeySpec(ctx, f));  // usage errors first
  BG_ASSIGN_OR_RETURN(Client * client, ctx.client());
  BG_ASSIGN_OR_RETURN(auto got, client->GetRollbackClearStatement({}));
  const pb::RollbackRecovery& shown = got.recovery();
  BG_RETURN_IF_ERROR(CheckRollbackClearToSign(shown, shown.statement()));
  *ctx.err << DescribeRecovery(shown)
           << "\nYou are about to sign: CLEAR THE ROLLBACK, re-baselining the counters to the "
              "TPM's values (events behind the difference are not in this log)\n";
  BG_RETURN_IF_ERROR(AskToSign(ctx, f.yes));
  pb::ApproveRollbackClearRequest request;
  request.set_statement(shown.statement());
  BG_ASSIGN_OR_RETURN(*request.mutable_signature(), SignWith(key, shown.statement()));
  BG_ASSIGN_OR_RETURN(auto response, client->ApproveRollbackClear(request));
  const pb::RollbackRecovery& after = response.recovery();
  Emit(ctx, response, [&] {
    if (after.cleared()) return DescribeRecovery(after);
    return absl::StrCat("approved: ", after.approved_by_size(), " of ", after.required_approvals(),
                        " (", absl::StrJoin(after.approved_by(), ", "),
                        "); waiting for more custodians\n");
  });
  return absl::OkStatus();
}

void AddRollbackApprove(CLI::App& parent, Context& ctx) {
  auto f = std::make_shared<SignOpts>();
  CLI::App* cmd = parent.add_subcommand(
      "approve",
      "Sign the rollback-clear statement with your key (custodian); the approval "
      "completing the quorum clears the rollback");
  AddKeyOptions(*cmd, *f);
  cmd->footer(
      "Example: breakglass --profile alice rollback approve --key "
      "'pkcs11:token=alice;object=approval' --pin-file ~/.alice.pin");
  cmd->callback([&ctx, f] { ctx.action = [&ctx, f] { return Approve(ctx, *f); }; });
}

}  // namespace

void AddRollbackCommands(CLI::App& app, Context& ctx) {
  CLI::App* rollback =
      app.add_subcommand("rollback",
                         "Leave the rollback state: breakglassd --recover-rollback serves the "
                         "statement; a quorum of custodians approves it");
  rollback->require_subcommand(1);
  AddRollbackStatus(*rollback, ctx);
  AddRollbackApprove(*rollback, ctx);
}

}  // namespace breakglass::cli
