// breakglassd as a process: configuration errors stop start-up naming the
// key; with a valid configuration it serves TLS 1.3 with client certificates,
// has core dumps disabled, and drains and exits 0 on SIGTERM.
#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/testing/test_env.h"
#include "tests/e2e/daemon_fixture.h"

namespace breakglass::e2e {
namespace {

namespace fs = std::filesystem;
using api::testing::ChildProcess;
using api::testing::CommandResult;
using api::testing::ReadFile;
using api::testing::RunCommand;
using api::testing::WriteFile;

TEST_CASE("AnUnknownConfigKeyStopsStartUpNamingTheKey", "[e2e]") {
  DaemonDir dir;
  WriteFile(dir.config(), dir.ValidConfig() + "[logging]\nlevle = \"info\"\n");
  const CommandResult r = dir.Run({});
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(Contains(r.output, "unknown key 'logging.levle'"));
}

TEST_CASE("ABadConfigValueStopsStartUpNamingTheKey", "[e2e]") {
  DaemonDir dir;
  WriteFile(dir.config(), "[server]\nmax_threads = 0\n");
  const CommandResult r = dir.Run({});
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(Contains(r.output, "server.max_threads: 0 is out of range"));
}

TEST_CASE("AnUnreadableOrMismatchedTlsFileIsNamedByItsKey", "[e2e]") {
  DaemonDir dir;
  fs::remove(dir.pki() / "ca.crt");
  CommandResult r = dir.Run({"--check"});
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(Contains(r.output, "tls.client_ca: cannot read"));

  DaemonDir mismatched;
  fs::copy_file(mismatched.pki() / "erin.key", mismatched.pki() / "server.key",
                fs::copy_options::overwrite_existing);
  r = mismatched.Run({"--check"});
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(Contains(r.output, "tls.key: does not match the public key of tls.cert"));
}

TEST_CASE("AReleaseGateWithoutAnAlertSinkStopsStartUpNamingTheKey", "[e2e]") {
  DaemonDir dir;
  std::string config = dir.ValidConfig();
  const std::string off = "release_gate = \"off\"";
  REQUIRE(Contains(config, off));
  config.replace(config.find(off), off.size(), "release_gate = \"require\"");
  WriteFile(dir.config(), config);
  for (const std::vector<std::string>& args : {std::vector<std::string>{"--check"}, {}}) {
    const CommandResult r = dir.Run(args);
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(Contains(r.output, "alerts.release_gate: alert before release is \"require\" but no "
                             "alert sink is configured"));
  }
}

TEST_CASE("AValidConfigPassesCheck", "[e2e]") {
  DaemonDir dir;
  const CommandResult r = dir.Run({"--check"});
  INFO(r.output);
  CHECK(r.exit_code == 0);
}

TEST_CASE("ServesMutualTls13WithoutCoreDumpsAndStopsCleanlyOnSigterm", "[e2e]") {
  DaemonDir dir;
  dir.StartHardware();
  ChildProcess daemon = dir.StartDaemon();
  const int port = dir.port();

  const std::string limits = ReadFile(absl::StrCat("/proc/", daemon.pid(), "/limits"));
  CHECK(Contains(limits, "Max core file size        0                    0"));

  const CommandResult tls = RunCommand(
      {"openssl", "s_client", "-connect", absl::StrCat("127.0.0.1:", port), "-alpn", "h2",
       "-CAfile", (dir.pki() / "ca.crt").string(), "-cert", (dir.pki() / "erin.crt").string(),
       "-key", (dir.pki() / "erin.key").string(), "-verify_return_error", "-brief"});
  INFO(tls.output);
  CHECK(tls.exit_code == 0);
  CHECK(Contains(tls.output, "Protocol version: TLSv1.3"));

  daemon.Signal(SIGTERM);
  const std::optional<int> code = daemon.Wait(absl::Seconds(30));
  REQUIRE(code.has_value());
  CHECK(*code == 0);
  const std::string log = ReadFile(dir.log());
  CHECK(Contains(log, "Terminated received: draining"));
  CHECK(Contains(log, "draining"));
  CHECK(Contains(log, "stopped"));
}

TEST_CASE("TheCliTalksToBreakglassdThroughProfilesWithDocumentedExitCodes", "[e2e]") {
  DaemonDir dir;
  dir.StartHardware();
  ChildProcess daemon = dir.StartDaemon();

  CommandResult r = dir.Cli("operator", {"health"});
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(Contains(r.output, "SERVING"));

  r = dir.Cli("operator", {"whoami", "--json"});
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(Contains(r.output, "\"name\":\"operator\""));
  CHECK(Contains(r.output, "ROLE_OPERATOR"));

  // erin's certificate is valid but she is not registered: refused (2).
  r = dir.Cli("erin", {"whoami"});
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(Contains(r.output, "'erin' is not a registered identity"));

  // A profile that does not exist: not found (3); a bad flag: usage (1).
  CHECK(dir.Cli("nobody", {"whoami"}).exit_code == 3);
  CHECK(dir.Cli("operator", {"whoami", "--no-such-flag"}).exit_code == 1);

  // Nothing listens: unavailable (5).
  daemon.Signal(SIGTERM);
  REQUIRE(daemon.Wait(absl::Seconds(30)) == std::optional<int>(0));
  r = dir.Cli("operator", {"health"});
  INFO(r.output);
  CHECK(r.exit_code == 5);
  CHECK(Contains(r.output, "cannot reach breakglassd"));
}

}  // namespace
}  // namespace breakglass::e2e
