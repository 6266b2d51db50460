// breakglass: the command-line client of the breakglass appliance.
// See `breakglass --help`; exit codes are in api/cli/exit_codes.h.
#include "api/cli/cli11.h"
#include <iostream>

#include "api/cli/commands.h"
#include "api/cli/exit_codes.h"
#include "vault/base/status.h"

namespace breakglass::cli {

absl::StatusOr<Settings> Context::ResolvedSettings() const {
  const std::filesystem::path path =
      config_path.empty() ? DefaultConfigPath() : std::filesystem::path(config_path);
  BG_ASSIGN_OR_RETURN(Settings profile_settings, LoadProfile(path, profile));
  return profile_settings.OverriddenBy(flags);
}

absl::StatusOr<Client*> Context::client() {
  if (client_ == nullptr) {
    BG_ASSIGN_OR_RETURN(Settings settings, ResolvedSettings());
    BG_ASSIGN_OR_RETURN(client_, Client::Connect(settings));
  }
  return client_.get();
}

namespace {

constexpr char kFooter[] =
    "Profiles: --profile NAME reads [profiles.NAME] from $BREAKGLASS_CONFIG or\n"
    "~/.config/breakglass/cli.toml (keys: server, cert, key, ca, signing_key,\n"
    "signing_key_file, state_dir);\n"
    "flags override the profile.\n\n"
    "Examples:\n"
    "  breakglass --profile erin request db-root --incident INC-42 --reason 'db down'\n"
    "  breakglass --profile alice approve REQ-ID --key 'pkcs11:token=alice;object=approval'\n"
    "  breakglass --profile bob deny REQ-ID --key-file ~/.breakglass/bob.sign.pem\n"
    "  breakglass --profile erin fetch REQ-ID --out ./secret\n"
    "  breakglass --profile audrey audit export --out ./bundle && breakglass audit verify ./bundle\n"
    "  breakglass --profile rita report REQ-ID --format html --out incident.html\n"
    "  breakglass --server 127.0.0.1:8443 --cert me.crt --key me.key --ca ca.crt whoami --json\n\n";

void AddGlobalOptions(CLI::App& app, Context& ctx) {
  app.add_option("--profile", ctx.profile, "Profile in the CLI config (default: default_profile)");
  app.add_option("--config", ctx.config_path,
                 "CLI config file (default: $BREAKGLASS_CONFIG or ~/.config/breakglass/cli.toml)");
  app.add_option("--server", ctx.flags.server, "breakglassd address, host:port");
  app.add_option("--cert", ctx.flags.cert, "Your client certificate (PEM); its CN is your identity");
  app.add_option("--key", ctx.flags.key, "Your client certificate's private key (PEM)");
  app.add_option("--ca", ctx.flags.ca, "CA certificate that issued breakglassd's certificate");
  app.add_option("--state-dir", ctx.flags.state_dir, "Where request keys are kept");
  app.add_flag("--json", ctx.json, "Print JSON (one value per line) instead of text");
}

int Run(int argc, char** argv) {
  Context ctx;
  CLI::App app("breakglass: request, approve, fetch and audit break-glass credentials",
               "breakglass");
  app.footer(std::string(kFooter) + kExitCodesHelp);
  app.require_subcommand(1);
  app.fallthrough();  // global flags are accepted after the subcommand too
  AddGlobalOptions(app, ctx);
  AddAdminCommands(app, ctx);
  AddRequestCommands(app, ctx);
  AddAuditCommands(app, ctx);
  AddReportCommand(app, ctx);
  AddRollbackCommands(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  const absl::Status status = ctx.action ? ctx.action() : absl::InvalidArgumentError("no command");
  if (!status.ok()) {
    std::cerr << "breakglass: " << status.message() << "\n";
  }
  return ExitCodeFor(status);
}

}  // namespace
}  // namespace breakglass::cli

int main(int argc, char** argv) { return breakglass::cli::Run(argc, argv); }
