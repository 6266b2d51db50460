// The breakglass CLI's subcommands. Each Add*Commands registers its
// subcommands on the app; when one is chosen its callback stores the work in
// Context::action, which main runs after parsing and turns into an exit code
// (exit_codes.h). Commands print to Context::out: human text by default,
// JSON with --json.
//
// Thread-safety: single-threaded (the CLI's main thread).
#ifndef BREAKGLASS_API_CLI_COMMANDS_H_
#define BREAKGLASS_API_CLI_COMMANDS_H_

#include "api/cli/cli11.h"
#include <functional>
#include <iostream>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "api/cli/client.h"
#include "api/cli/profile.h"

namespace breakglass::cli {

struct Context {
  // Global flags.
  std::string profile;
  std::string config_path;
  Settings flags;
  bool json = false;

  std::ostream* out = &std::cout;
  std::ostream* err = &std::cerr;
  // Set by the chosen subcommand.
  std::function<absl::Status()> action;

  // Profile settings overridden by the flags.
  absl::StatusOr<Settings> ResolvedSettings() const;
  // Connects on first use; the client lives as long as the Context.
  absl::StatusOr<Client*> client();

 private:
  std::unique_ptr<Client> client_;
};

// health, whoami, status, init, identity, credential.
void AddAdminCommands(CLI::App& app, Context& ctx);
// request, requests, cancel, approve, deny, fetch, review.
void AddRequestCommands(CLI::App& app, Context& ctx);
// review (commands_review.cc), called by AddRequestCommands.
void AddReviewCommand(CLI::App& app, Context& ctx);
// audit checkpoint|proof|consistency|entries|export|verify|tpm-evidence, watch.
void AddAuditCommands(CLI::App& app, Context& ctx);
// audit verify (audit_verify.cc: links only the offline verifier).
void AddAuditVerify(CLI::App& audit, Context& ctx);
// report (commands_report.cc: the incident report, vault/report).
void AddReportCommand(CLI::App& app, Context& ctx);
// rollback status|approve (commands_rollback.cc).
void AddRollbackCommands(CLI::App& app, Context& ctx);

}  // namespace breakglass::cli

#endif  // BREAKGLASS_API_CLI_COMMANDS_H_
