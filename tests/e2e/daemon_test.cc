// breakglassd as a process: configuration errors stop start-up naming the
// key; with a valid configuration it serves TLS 1.3 with client certificates,
// has core dumps disabled, and drains and exits 0 on SIGTERM.
#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "api/testing/test_env.h"
#include "tests/harness/softhsm_token.h"
#include "tests/harness/swtpm_process.h"

namespace breakglass::api {
namespace {

namespace fs = std::filesystem;
using testing::ChildProcess;
using testing::CommandResult;
using testing::ReadFile;
using testing::RunCommand;
using testing::TempDir;
using testing::WriteFile;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// firmware-config/dev.toml with its secrets (counter write secrets) in `dir`.
std::string DevProfile(const fs::path& secrets) {
  std::string profile = ReadFile(testing::SourceRoot() / "firmware-config" / "dev.toml");
  const std::string from = "/var/lib/breakglass-dev/";
  for (size_t at; (at = profile.find(from)) != std::string::npos;) {
    profile.replace(at, from.size(), secrets.string() + "/");
  }
  return profile;
}

// A temp dir with a dev PKI, a firmware profile and a valid config listening
// on a free port. StartHardware() adds a SoftHSM2 token and a swtpm.
class DaemonDir {
 public:
  DaemonDir() {
    REQUIRE(testing::MakeDevPki(pki(), {"operator", "erin"}).ok());
    fs::create_directories(dir_.path() / "secrets");
    WriteFile(profile(), DevProfile(dir_.path() / "secrets"));
    for (const char* counter : {"release", "checkpoint"}) {
      const fs::path auth = dir_.path() / "secrets" / absl::StrCat("tpm-", counter, "-counter-auth");
      WriteFile(auth, absl::StrCat("dev-", counter, "-write-secret"));
      fs::permissions(auth, fs::perms::owner_read | fs::perms::owner_write);
    }
    WriteFile(config(), ValidConfig());
  }

  // The appliance's token (SOFTHSM2_CONF is set for this process and the
  // breakglassd it starts) and TPM, named in the config.
  void StartHardware() {
    auto token = ::breakglass::testing::SoftHsmToken::Create("breakglass");
    REQUIRE(token.ok());
    hsm_ = *std::move(token);
    auto tpm = ::breakglass::testing::SwtpmProcess::Start();
    REQUIRE(tpm.ok());
    tpm_ = *std::move(tpm);
    WriteFile(config(), ValidConfig());
  }
  ::breakglass::testing::SwtpmProcess& tpm() { return *tpm_; }
  fs::path pki() const { return dir_.path() / "pki"; }
  fs::path config() const { return dir_.path() / "breakglassd.toml"; }
  fs::path port_file() const { return dir_.path() / "state" / "port"; }
  fs::path log() const { return dir_.path() / "breakglassd.log"; }
  fs::path profile() const { return dir_.path() / "firmware.toml"; }
  fs::path state() const { return dir_.path() / "state"; }

  std::string ValidConfig() const {
    const std::string pin = hsm_ ? hsm_->pin_file().string() : "/nonexistent/pin";
    const std::string tcti = tpm_ ? tpm_->Tcti() : "swtpm:host=127.0.0.1,port=1";
    return absl::StrCat("[server]\nlisten = \"127.0.0.1:0\"\nport_file = \"", port_file().string(),
                        "\"\nbootstrap_operator = \"operator\"\ndrain_timeout_seconds = 5\n",
                        "[tls]\ncert = \"", (pki() / "server.crt").string(), "\"\nkey = \"",
                        (pki() / "server.key").string(), "\"\nclient_ca = \"",
                        (pki() / "ca.crt").string(), "\"\n[storage]\nstate_dir = \"",
                        state().string(), "\"\n[hsm]\npin_file = \"", pin, "\"\n[tpm]\ntcti = \"",
                        tcti, "\"\n[firmware]\nprofile = \"", profile().string(), "\"\n",
                        "[anchoring]\nmin_increment_interval_ms = 0\n");
  }

  CommandResult Run(const std::vector<std::string>& extra) const {
    std::vector<std::string> argv = {BREAKGLASSD_PATH, "--config", config().string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return RunCommand(argv);
  }

 private:
  TempDir dir_;
  std::unique_ptr<::breakglass::testing::SoftHsmToken> hsm_;
  std::unique_ptr<::breakglass::testing::SwtpmProcess> tpm_;
};

// Waits until breakglassd wrote its port file; 0 if it exited or timed out.
int WaitForPort(const DaemonDir& dir, ChildProcess& daemon) {
  for (int i = 0; i < 500; ++i) {
    const std::string text = ReadFile(dir.port_file());
    if (!text.empty()) return std::stoi(text);
    if (daemon.Wait(absl::Milliseconds(20)).has_value()) return 0;
  }
  return 0;
}

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

TEST_CASE("AValidConfigPassesCheck", "[e2e]") {
  DaemonDir dir;
  const CommandResult r = dir.Run({"--check"});
  INFO(r.output);
  CHECK(r.exit_code == 0);
}

TEST_CASE("ServesMutualTls13WithoutCoreDumpsAndStopsCleanlyOnSigterm", "[e2e]") {
  DaemonDir dir;
  dir.StartHardware();
  auto daemon = ChildProcess::Start({BREAKGLASSD_PATH, "--config", dir.config().string()},
                                    dir.log());
  REQUIRE(daemon.ok());
  const int port = WaitForPort(dir, *daemon);
  INFO(ReadFile(dir.log()));
  REQUIRE(port > 0);

  const std::string limits = ReadFile(absl::StrCat("/proc/", daemon->pid(), "/limits"));
  CHECK(Contains(limits, "Max core file size        0                    0"));

  const CommandResult tls = RunCommand(
      {"openssl", "s_client", "-connect", absl::StrCat("127.0.0.1:", port), "-alpn", "h2",
       "-CAfile", (dir.pki() / "ca.crt").string(), "-cert", (dir.pki() / "erin.crt").string(),
       "-key", (dir.pki() / "erin.key").string(), "-verify_return_error", "-brief"});
  INFO(tls.output);
  CHECK(tls.exit_code == 0);
  CHECK(Contains(tls.output, "Protocol version: TLSv1.3"));

  daemon->Signal(SIGTERM);
  const std::optional<int> code = daemon->Wait(absl::Seconds(30));
  REQUIRE(code.has_value());
  CHECK(*code == 0);
  const std::string log = ReadFile(dir.log());
  CHECK(Contains(log, "Terminated received: draining"));
  CHECK(Contains(log, "draining"));
  CHECK(Contains(log, "stopped"));
}

// Writes a CLI config with one profile per identity and returns its path.
fs::path WriteCliProfiles(const DaemonDir& dir, int port) {
  std::string toml = "default_profile = \"operator\"\n";
  for (const char* name : {"operator", "erin"}) {
    absl::StrAppend(&toml, "[profiles.", name, "]\nserver = \"127.0.0.1:", port, "\"\n",
                    "cert = \"", (dir.pki() / (std::string(name) + ".crt")).string(), "\"\n",
                    "key = \"", (dir.pki() / (std::string(name) + ".key")).string(), "\"\n",
                    "ca = \"", (dir.pki() / "ca.crt").string(), "\"\n");
  }
  const fs::path path = dir.pki() / "cli.toml";
  WriteFile(path, toml);
  return path;
}

CommandResult Cli(const fs::path& config, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {BREAKGLASS_CLI_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, "", {"BREAKGLASS_CONFIG=" + config.string()});
}

TEST_CASE("TheCliTalksToBreakglassdThroughProfilesWithDocumentedExitCodes", "[e2e]") {
  DaemonDir dir;
  dir.StartHardware();
  auto daemon = ChildProcess::Start({BREAKGLASSD_PATH, "--config", dir.config().string()},
                                    dir.log());
  REQUIRE(daemon.ok());
  const int port = WaitForPort(dir, *daemon);
  INFO(ReadFile(dir.log()));
  REQUIRE(port > 0);
  const fs::path config = WriteCliProfiles(dir, port);

  CommandResult r = Cli(config, {"health"});
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(Contains(r.output, "SERVING"));

  r = Cli(config, {"--profile", "operator", "whoami", "--json"});
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(Contains(r.output, "\"name\":\"operator\""));
  CHECK(Contains(r.output, "ROLE_OPERATOR"));

  // erin's certificate is valid but she is not registered: refused (2).
  r = Cli(config, {"--profile", "erin", "whoami"});
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(Contains(r.output, "'erin' is not a registered identity"));

  // A profile that does not exist: not found (3); a bad flag: usage (1).
  CHECK(Cli(config, {"--profile", "nobody", "whoami"}).exit_code == 3);
  CHECK(Cli(config, {"whoami", "--no-such-flag"}).exit_code == 1);

  // Nothing listens: unavailable (5).
  daemon->Signal(SIGTERM);
  REQUIRE(daemon->Wait(absl::Seconds(30)) == std::optional<int>(0));
  r = Cli(config, {"health"});
  INFO(r.output);
  CHECK(r.exit_code == 5);
  CHECK(Contains(r.output, "cannot reach breakglassd"));
}

}  // namespace
}  // namespace breakglass::api
