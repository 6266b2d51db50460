#include "tests/e2e/daemon_fixture.h"

#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"

namespace breakglass::e2e {
namespace {

namespace fs = std::filesystem;
using api::testing::ReadFile;
using api::testing::WriteFile;

// firmware-config/dev.toml with its secrets (counter write secrets) in `dir`.
std::string DevProfile(const fs::path& secrets) {
  std::string profile = ReadFile(api::testing::SourceRoot() / "firmware-config" / "dev.toml");
  const std::string from = "/var/lib/breakglass-dev/";
  for (size_t at; (at = profile.find(from)) != std::string::npos;) {
    profile.replace(at, from.size(), secrets.string() + "/");
  }
  return profile;
}

}  // namespace

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

DaemonDir::DaemonDir(std::vector<std::string> identities) : identities_(std::move(identities)) {
  REQUIRE(api::testing::MakeDevPki(pki(), identities_).ok());
  fs::create_directories(root() / "secrets");
  WriteFile(profile(), DevProfile(root() / "secrets"));
  for (const char* counter : {"release", "checkpoint"}) {
    const fs::path auth = root() / "secrets" / absl::StrCat("tpm-", counter, "-counter-auth");
    WriteFile(auth, absl::StrCat("dev-", counter, "-write-secret"));
    fs::permissions(auth, fs::perms::owner_read | fs::perms::owner_write);
  }
  WriteFile(config(), ValidConfig());
}

void DaemonDir::StartHardware() {
  auto token = ::breakglass::testing::SoftHsmToken::Create("breakglass");
  REQUIRE(token.ok());
  hsm_ = *std::move(token);
  auto tpm = ::breakglass::testing::SwtpmProcess::Start();
  REQUIRE(tpm.ok());
  tpm_ = *std::move(tpm);
  WriteFile(config(), ValidConfig());
}

std::vector<fs::path> DaemonDir::hardware_dirs() const {
  std::vector<fs::path> dirs;
  if (hsm_) dirs.push_back(hsm_->dir());
  if (tpm_) dirs.push_back(tpm_->state_dir());
  return dirs;
}

std::string DaemonDir::ValidConfig() const {
  const std::string pin = hsm_ ? hsm_->pin_file().string() : "/nonexistent/pin";
  const std::string tcti = tpm_ ? tpm_->Tcti() : "swtpm:host=127.0.0.1,port=1";
  return absl::StrCat("[server]\nlisten = \"127.0.0.1:0\"\nport_file = \"", port_file().string(),
                      "\"\nbootstrap_operator = \"operator\"\ndrain_timeout_seconds = 5\n",
                      "[tls]\ncert = \"", (pki() / "server.crt").string(), "\"\nkey = \"",
                      (pki() / "server.key").string(), "\"\nclient_ca = \"",
                      (pki() / "ca.crt").string(), "\"\n[storage]\nstate_dir = \"",
                      state().string(), "\"\n[hsm]\npin_file = \"", pin, "\"\n[tpm]\ntcti = \"",
                      tcti, "\"\n[firmware]\nprofile = \"", profile().string(), "\"\n",
                      "[anchoring]\nmin_increment_interval_ms = 0\n",
                      // No alert sink here: tests that need one configure it.
                      "[alerts]\nrelease_gate = \"off\"\n");
}

api::testing::CommandResult DaemonDir::Run(const std::vector<std::string>& extra) const {
  std::vector<std::string> argv = {BREAKGLASSD_PATH, "--config", config().string()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return api::testing::RunCommand(argv);
}

api::testing::ChildProcess DaemonDir::StartDaemon(const std::vector<std::string>& extra) {
  fs::remove(port_file());
  std::vector<std::string> argv = {BREAKGLASSD_PATH, "--config", config().string()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto daemon = api::testing::ChildProcess::Start(argv, log());
  REQUIRE(daemon.ok());
  port_ = WaitForPort(*this, *daemon);
  INFO(ReadFile(log()));
  REQUIRE(port_ > 0);
  WriteCliProfiles();
  return *std::move(daemon);
}

void DaemonDir::WriteCliProfiles() const {
  std::string toml = "default_profile = \"operator\"\n";
  for (const std::string& name : identities_) {
    absl::StrAppend(&toml, "[profiles.", name, "]\nserver = \"127.0.0.1:", port_, "\"\n",
                    "cert = \"", (pki() / (name + ".crt")).string(), "\"\n", "key = \"",
                    (pki() / (name + ".key")).string(), "\"\n", "ca = \"",
                    (pki() / "ca.crt").string(), "\"\n", "state_dir = \"",
                    (root() / "cli" / name).string(), "\"\n");
  }
  WriteFile(cli_config(), toml);
}

api::testing::CommandResult DaemonDir::Cli(const std::string& who,
                                           const std::vector<std::string>& args,
                                           const std::string& input) const {
  std::vector<std::string> argv = {BREAKGLASS_CLI_PATH, "--profile", who};
  argv.insert(argv.end(), args.begin(), args.end());
  return api::testing::RunCommand(argv, input, {"BREAKGLASS_CONFIG=" + cli_config().string()});
}

int WaitForPort(const DaemonDir& dir, api::testing::ChildProcess& daemon) {
  for (int i = 0; i < 1000; ++i) {
    const std::string text = ReadFile(dir.port_file());
    if (!text.empty() && text.back() == '\n') return std::stoi(text);  // written in full
    if (daemon.Wait(absl::Milliseconds(20)).has_value()) return 0;
  }
  return 0;
}

}  // namespace breakglass::e2e
