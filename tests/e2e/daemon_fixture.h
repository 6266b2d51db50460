// DaemonDir: the fixture of the end-to-end tests that run breakglassd and the
// breakglass CLI as processes — a temp dir with a dev PKI (api/tools/dev-ca),
// a firmware profile (firmware-config/dev.toml with its counter write secrets
// in the temp dir), a breakglassd.toml listening on a free 127.0.0.1 port,
// and, after StartHardware(), a private SoftHSM2 token and a swtpm
// (tests/harness). CLI profiles name one identity each, as scripts/dev-env
// writes them.
//
// Every process is stopped by PID when its owner goes out of scope, also
// when a test fails.
//
// Thread-safety: none; use from the test's thread.
#ifndef BREAKGLASS_TESTS_E2E_DAEMON_FIXTURE_H_
#define BREAKGLASS_TESTS_E2E_DAEMON_FIXTURE_H_

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "api/testing/test_env.h"
#include "tests/harness/softhsm_token.h"
#include "tests/harness/swtpm_process.h"

namespace breakglass::e2e {

bool Contains(const std::string& haystack, const std::string& needle);

class DaemonDir final {
 public:
  // Issues client certificates for `identities`.
  explicit DaemonDir(std::vector<std::string> identities = {"operator", "erin"});

  // The appliance's token (SOFTHSM2_CONF is set for this process and the
  // breakglassd it starts) and TPM, named in the config. Aborts the test
  // (REQUIRE) when either cannot start: missing SoftHSM2/swtpm is a failure.
  void StartHardware();
  ::breakglass::testing::SwtpmProcess& tpm() { return *tpm_; }
  // The SoftHSM2 token directory (after StartHardware): signers' own tokens
  // are added to it (SoftHsmToken::AddToken) before breakglassd starts.
  ::breakglass::testing::SoftHsmToken& hsm() const { return *hsm_; }
  // The token directory and the TPM state directory (outside root()).
  std::vector<std::filesystem::path> hardware_dirs() const;

  const std::filesystem::path& root() const { return dir_.path(); }
  std::filesystem::path pki() const { return root() / "pki"; }
  std::filesystem::path config() const { return root() / "breakglassd.toml"; }
  std::filesystem::path port_file() const { return state() / "port"; }
  std::filesystem::path log() const { return root() / "breakglassd.log"; }
  std::filesystem::path profile() const { return root() / "firmware.toml"; }
  std::filesystem::path state() const { return root() / "state"; }
  std::filesystem::path cli_config() const { return root() / "cli.toml"; }

  // breakglassd.toml for this dir (and the hardware, once started).
  std::string ValidConfig() const;

  // Runs breakglassd --config config() plus `extra` to completion.
  api::testing::CommandResult Run(const std::vector<std::string>& extra) const;

  // Starts breakglassd (with `extra` arguments) in the background (log:
  // log()) and waits for its port; writes cli_config() with a profile per
  // identity for that port. REQUIREs that it comes up.
  api::testing::ChildProcess StartDaemon(const std::vector<std::string>& extra = {});
  int port() const { return port_; }

  // Runs `breakglass --profile who args...` with `input` on stdin.
  api::testing::CommandResult Cli(const std::string& who, const std::vector<std::string>& args,
                                  const std::string& input = "") const;

 private:
  void WriteCliProfiles() const;

  api::testing::TempDir dir_;
  std::vector<std::string> identities_;
  std::unique_ptr<::breakglass::testing::SoftHsmToken> hsm_;
  std::unique_ptr<::breakglass::testing::SwtpmProcess> tpm_;
  int port_ = 0;
};

// Waits until breakglassd wrote its port file; 0 if it exited or timed out.
int WaitForPort(const DaemonDir& dir, api::testing::ChildProcess& daemon);

}  // namespace breakglass::e2e

#endif  // BREAKGLASS_TESTS_E2E_DAEMON_FIXTURE_H_
