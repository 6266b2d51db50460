// breakglassd: the appliance daemon, and the composition root that wires the
// real implementations (SQLite store, PKCS#11 keystore and log signer, TPM
// counters) into the core and serves the breakglass.v1 API.
//
//   breakglassd --config FILE          run (default /etc/breakglass/breakglassd.toml)
//   breakglassd --config FILE --check  validate the configuration and exit
//   breakglassd --print-example-config print every key with its default
//   breakglassd --config FILE --recover-rollback
//                                      after a rollback refusal (exit 3): serve
//                                      only the quorum-approved rollback clear
//                                      (and status), then serve normally
//
// Rollback recovery: when the start-up check finds the state disagreeing
// with the TPM counters, breakglassd exits 3 naming the counter and both
// values. Started with --recover-rollback it serves instead GetStatus,
// WhoAmI, health and the rollback-clear RPCs (custodians: `breakglass
// rollback approve`); every other RPC is FAILED_PRECONDITION. The approval
// completing the quorum ([recovery] rollback_clear_approvals) records the
// clear and re-baselines the counters; this process then serves normally (a
// restart without the flag does too). Without a rollback the flag is
// ignored.
//
// Once the appliance is open, the periodic tasks (maintenance.h: request and
// release expiry) run on their own thread, first at start-up and then every
// [maintenance] interval_seconds; SIGTERM stops them before the API drains.
//
// Exit codes: 0 stopped cleanly (SIGTERM/SIGINT), 1 failed at run time (a
// component could not be opened: the message names it), 2 bad command line or
// configuration (the message names the key; also a rollback clear quorum
// larger than the active custodians with --recover-rollback), 3 refused to
// start because the state disagrees with the TPM counters (rollback; the
// message gives both numbers).
#include <openssl/crypto.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/breakglassd/appliance.h"
#include "api/breakglassd/config.h"
#include "api/breakglassd/maintenance.h"
#include "api/cli/cli11.h"
#include "api/server/handlers.h"
#include "api/server/identity_resolver.h"
#include "api/server/server.h"
#include "api/server/store_identity_resolver.h"
#include "api/server/tls_policy.h"
#include "firmware-config/firmware_profile.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"
#include "vault/base/status.h"
#include "vault/core/rollback_recovery.h"

namespace breakglass::api {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitRuntime = 1;
constexpr int kExitConfig = 2;
constexpr int kExitRollback = 3;

// No core files: the process holds shares and credentials in memory.
absl::Status DisableCoreDumps() {
  const rlimit zero{0, 0};
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0 || setrlimit(RLIMIT_CORE, &zero) != 0) {
    return absl::InternalError("cannot disable core dumps (prctl/setrlimit failed)");
  }
  return absl::OkStatus();
}

// Blocks the stop signals in every thread (call before any thread starts) so
// that the main thread can take them with sigwait.
sigset_t BlockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return set;
}

absl::StatusOr<std::string> ReadConfigured(std::string_view key, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(key), ": cannot read ", path, "; check the path and its mode"));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::Status PrepareStateDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir)) {
    return absl::InvalidArgumentError(
        absl::StrCat("storage.state_dir: cannot create directory ", dir, ": ", ec.message()));
  }
  chmod(dir.c_str(), 0700);
  return absl::OkStatus();
}

absl::StatusOr<ApiServer::Options> ServerOptions(const DaemonConfig& config) {
  ApiServer::Options options;
  options.listen_address = config.server.listen;
  BG_ASSIGN_OR_RETURN(options.server_cert_pem, ReadConfigured("tls.cert", config.tls.cert));
  BG_ASSIGN_OR_RETURN(std::string key, ReadConfigured("tls.key", config.tls.key));
  options.server_key_pem = base::SecretBytes::CopyFrom(key);
  OPENSSL_cleanse(key.data(), key.size());
  BG_ASSIGN_OR_RETURN(options.client_ca_pem, ReadConfigured("tls.client_ca", config.tls.client_ca));
  BG_RETURN_IF_ERROR(CheckServerTlsMaterial(options.server_cert_pem, options.server_key_pem,
                                            options.client_ca_pem,
                                            {"tls.cert", "tls.key", "tls.client_ca"}));
  options.max_request_bytes = static_cast<int>(config.server.max_request_bytes);
  options.max_threads = static_cast<int>(config.server.max_threads);
  options.max_watchers = static_cast<int>(config.server.max_watchers);
  options.drain_timeout = absl::Seconds(config.server.drain_timeout_seconds);
  return options;
}

std::shared_ptr<spdlog::logger> MakeLogger(const std::string& level) {
  auto log = std::make_shared<spdlog::logger>(
      "breakglassd", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  log->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");
  log->set_level(spdlog::level::from_str(level));
  log->flush_on(spdlog::level::info);
  return log;
}

void WritePortFile(const std::string& path, int port, spdlog::logger& log) {
  if (path.empty()) return;
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << port << "\n";
  }
  std::filesystem::rename(tmp, path);
  log.info("wrote port {} to {}", port, path);
}

absl::StatusOr<firmware::FirmwareProfile> LoadProfile(const DaemonConfig& config) {
  absl::StatusOr<firmware::FirmwareProfile> profile =
      firmware::LoadFirmwareProfile(config.firmware.profile);
  if (!profile.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("firmware.profile: ", std::string(profile.status().message())));
  }
  return profile;
}

// Opens the appliance; the exit code when it cannot be opened.
absl::StatusOr<std::unique_ptr<Appliance>> OpenAppliance(const DaemonConfig& config,
                                                         const firmware::FirmwareProfile& profile,
                                                         bool recover_rollback, spdlog::logger& log,
                                                         int* exit_code) {
  absl::StatusOr<std::unique_ptr<Appliance>> appliance =
      Appliance::Open(config, profile, recover_rollback);
  if (appliance.ok()) return appliance;
  const std::string why(appliance.status().message());
  log.critical("{}", why);
  std::cerr << "breakglassd: " << why << "\n";
  if (why.rfind("recovery.", 0) == 0) {
    *exit_code = kExitConfig;
  } else {
    *exit_code = why.find("rollback") != std::string::npos ? kExitRollback : kExitRuntime;
  }
  return appliance.status();
}

// One line on what the appliance is doing, and warnings the operator needs.
void LogApplianceState(const Appliance& appliance, bool recover_rollback, spdlog::logger& log) {
  if (core::RollbackRecovery* recovery = appliance.rollback_recovery(); recovery != nullptr) {
    log.critical("ROLLBACK RECOVERY: {}", recovery->Why());
    log.warn(
        "serving only status and the rollback clear until custodians approve it "
        "(breakglass rollback status; breakglass rollback approve)");
    return;
  }
  log.info("appliance {}", appliance.vault() != nullptr
                               ? "provisioned; anchoring start-up check passed"
                               : "not provisioned: waiting for `breakglass init`");
  if (recover_rollback) log.info("--recover-rollback: no rollback found; serving normally");
  if (std::optional<std::string> w = appliance.RecoveryQuorumWarning(); w.has_value()) {
    log.warn("{}", *w);
  }
}

// Serves until SIGTERM or SIGINT, then drains.
int Serve(const DaemonConfig& config, bool recover_rollback, const sigset_t& stop_signals,
          spdlog::logger& log) {
  absl::StatusOr<ApiServer::Options> options = ServerOptions(config);
  absl::StatusOr<firmware::FirmwareProfile> profile = LoadProfile(config);
  absl::Status prepared = PrepareStateDir(config.storage.state_dir);
  for (const absl::Status& s :
       {CheckCrossKeys(config), options.status(), profile.status(), prepared}) {
    if (s.ok()) continue;
    std::cerr << "breakglassd: " << s.message() << "\n";
    return kExitConfig;
  }
  int exit_code = kExitOk;
  absl::StatusOr<std::unique_ptr<Appliance>> appliance =
      OpenAppliance(config, *profile, recover_rollback, log, &exit_code);
  if (!appliance.ok()) return exit_code;
  LogApplianceState(**appliance, recover_rollback, log);
  const absl::Duration interval = absl::Seconds(config.maintenance.interval_seconds);
  std::vector<PeriodicTask> tasks = MaintenanceTasks(appliance->get());
  std::vector<std::string> names;
  for (const PeriodicTask& t : tasks) names.push_back(t.name);
  log.info("maintenance: {} now and every {}", absl::StrJoin(names, ", "),
           absl::FormatDuration(interval));
  std::unique_ptr<Maintenance> maintenance = Maintenance::Start(std::move(tasks), interval, &log);
  StoreIdentityResolver store(appliance->get());
  BootstrapOperatorResolver identities(config.server.bootstrap_operator, &store);
  Handlers handlers(appliance->get());
  auto server = ApiServer::Start(*std::move(options), {&identities, &handlers, &log});
  if (!server.ok()) {
    log.error("cannot start: {}", std::string(server.status().message()));
    return kExitRuntime;
  }
  log.info("serving breakglass.v1 on {} (port {})", config.server.listen, (*server)->port());
  WritePortFile(config.server.port_file, (*server)->port(), log);

  int signo = 0;
  sigwait(&stop_signals, &signo);
  log.info("{} received: draining (up to {} s)", strsignal(signo),
           config.server.drain_timeout_seconds);
  maintenance->Stop();
  (*server)->Shutdown();
  log.info("stopped");
  return kExitOk;
}

int Main(int argc, char** argv) {
  const sigset_t stop_signals = BlockStopSignals();
  CLI::App app("breakglassd: the breakglass appliance daemon", "breakglassd");
  std::string config_path = "/etc/breakglass/breakglassd.toml";
  bool check_only = false;
  bool print_example = false;
  app.add_option("--config", config_path, "TOML configuration file")->capture_default_str();
  app.add_flag("--check", check_only, "Validate the configuration and exit");
  bool recover_rollback = false;
  app.add_flag("--recover-rollback", recover_rollback,
               "After a rollback refusal (exit 3): serve only status and the quorum-approved "
               "rollback clear (breakglass rollback approve), then serve normally");
  app.add_flag("--print-example-config", print_example,
               "Print every configuration key with its documentation and default");
  app.footer(
      "Exit codes: 0 stopped cleanly, 1 run-time failure, 2 bad command line or config,\n"
      "3 refused to start: the state disagrees with the TPM counters (rollback; start with\n"
      "--recover-rollback to let a quorum of custodians clear it).");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitConfig;
  }
  if (print_example) {
    std::cout << ExampleConfig();
    return kExitOk;
  }
  if (absl::Status s = DisableCoreDumps(); !s.ok()) {
    std::cerr << "breakglassd: " << s.message() << "\n";
    return kExitRuntime;
  }
  absl::StatusOr<DaemonConfig> config = LoadConfig(config_path);
  if (!config.ok()) {
    std::cerr << "breakglassd: " << config.status().message() << "\n";
    return kExitConfig;
  }
  if (check_only) {
    absl::StatusOr<ApiServer::Options> options = ServerOptions(*config);
    absl::StatusOr<firmware::FirmwareProfile> profile = LoadProfile(*config);
    for (const absl::Status& s : {CheckCrossKeys(*config), options.status(), profile.status()}) {
      if (s.ok()) continue;
      std::cerr << "breakglassd: " << s.message() << "\n";
      return kExitConfig;
    }
    std::cout << "breakglassd: " << config_path << " is valid\n";
    return kExitOk;
  }
  std::shared_ptr<spdlog::logger> log = MakeLogger(config->logging.level);
  return Serve(*config, recover_rollback, stop_signals, *log);
}

}  // namespace
}  // namespace breakglass::api

int main(int argc, char** argv) { return breakglass::api::Main(argc, argv); }
