// The devices behind the anchoring integration tests and bench, opened the
// same way by the test process and by the crash child it spawns (so both talk
// to the same TPM counters and log key):
//
//   kFiles  file-backed stand-ins that survive a SIGKILL of the process: each
//           counter is a decimal file replaced by rename, the log key an
//           Ed25519 seed file, the attestation key a P-256 PEM file; evidence
//           is in the TPM's exact format (tpm/evidence verifies it). For the
//           fast (unit) versions of the crash tests.
//   kReal   swtpm through tpm/tss and SoftHSM2 through hsm/pkcs11 (labels
//           hsm;tpm), created by the harnesses in tests/harness.
//
// A HardwareConfig travels to the child as command-line flags (ToArgs /
// FromArgs); it holds paths and handles, never a PIN.
//
// Thread-safety: the devices are as thread-safe as MonotonicCounter and
// LogSigner require (many threads).
#ifndef BREAKGLASS_TESTS_INTEGRATION_ANCHOR_HARDWARE_H_
#define BREAKGLASS_TESTS_INTEGRATION_ANCHOR_HARDWARE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hsm/log_signer.h"
#include "tpm/monotonic_counter.h"
#include "vault/audit/anchor.h"
#include "vault/audit/anchor_protocol.h"
#include "vault/audit/log.h"
#include "vault/base/clock.h"
#include "vault/store/transaction_runner.h"

namespace breakglass::testing {
class SwtpmProcess;
}  // namespace breakglass::testing

namespace breakglass::audit::testing {

// What Devices::StartReal runs, for reports.
inline constexpr char kRealDevicesDescription[] = "swtpm (tpm/tss) + SoftHSM2 (hsm/pkcs11)";

// The checkpoint origin (log key name) of every anchoring integration test.
inline constexpr char kAnchorTestOrigin[] = "breakglass.test/anchor-integration";

struct HardwareConfig {
  enum class Kind { kFiles, kReal };
  Kind kind = Kind::kFiles;
  // kFiles: the directory holding "checkpoint.counter", "release.counter",
  // "log.seed", "ak.pem".
  std::string dir;
  // kReal: the swtpm TCTI, the AK's persistent handle, the NV indices (write
  // secret: tss::testing::TssTestEnv::CounterAuth()), and the SoftHSM2 token
  // (SOFTHSM2_CONF from the environment, which the child inherits).
  std::string tcti;
  uint32_t ak_handle = 0;
  uint32_t checkpoint_index = 0;
  uint32_t release_index = 0;
  std::string module_path;
  std::string token_uri;
  std::string pin_file;
  std::string log_key_uri;

  // Flags "--hw-kind=... --hw-dir=..." for the child.
  std::vector<std::string> ToArgs() const;
  // Parses the flags above out of `args` (other flags are left alone).
  static absl::StatusOr<HardwareConfig> FromArgs(const std::vector<std::string>& args);
};

struct Hardware {
  std::shared_ptr<void> owner;  // what the devices below borrow; destroyed last
  std::unique_ptr<tpm::MonotonicCounter> checkpoint;
  std::unique_ptr<tpm::MonotonicCounter> release;
  std::unique_ptr<hsm::LogSigner> signer;
  ProvisionRequest provision;  // AK and NV identities for the provision leaf
};

// Creates fresh file-backed devices in `dir` (counters at the given values,
// a new random log key). For kFiles tests, before the first OpenHardware.
absl::StatusOr<HardwareConfig> CreateFileHardware(const std::string& dir, uint64_t checkpoint_start,
                                                  uint64_t release_start);

// Opens the devices `config` names.
absl::StatusOr<Hardware> OpenHardware(const HardwareConfig& config);
// The kReal part of OpenHardware (anchor_hardware_real.cc).
absl::StatusOr<Hardware> OpenRealHardware(const HardwareConfig& config);
// The software log key kept in `dir`/log.seed.
absl::StatusOr<std::unique_ptr<hsm::LogSigner>> OpenSeedSigner(const std::string& dir);

// Moves the file-backed counter `label` by one, as something outside
// breakglass would.
absl::Status ForeignIncrementFileCounter(const HardwareConfig& config, const std::string& label);

// The devices of one test or bench run, owned: file-backed ones, or a private
// swtpm and SoftHSM2 token (stopped and removed with this object).
class Devices final {
 public:
  static absl::StatusOr<std::unique_ptr<Devices>> CreateFiles(const std::string& dir,
                                                              uint64_t checkpoint_start,
                                                              uint64_t release_start);
  // Starts a private swtpm with an attestation key and both NV counters
  // (tpm/tss/testing), and a private SoftHSM2 token with the Ed25519 log key
  // (hsm/pkcs11/testing). One per process (SoftHSM2 reads its configuration
  // once per process).
  static absl::StatusOr<std::unique_ptr<Devices>> StartReal(const std::string& dir);

  const HardwareConfig& config() const { return config_; }
  // The swtpm of real devices (KillHard/Restart for power-loss tests); null
  // for file devices.
  breakglass::testing::SwtpmProcess* swtpm();

 private:
  struct Real;
  explicit Devices(HardwareConfig config) : config_(std::move(config)) {}
  HardwareConfig config_;
  std::shared_ptr<Real> real_;
};

// A state file, audit log and Anchorer over opened devices; closing in the
// right order on destruction.
class AnchoredState final {
 public:
  static absl::StatusOr<std::unique_ptr<AnchoredState>> Open(const HardwareConfig& config,
                                                             const std::string& db,
                                                             AnchorOptions options,
                                                             AnchorStepHook hook = nullptr);
  Anchorer& anchorer() { return *anchorer_; }
  AuditLog& log() { return *log_; }
  store::TransactionRunner& runner() { return *runner_; }
  Hardware& hardware() { return hw_; }
  const ProvisionRequest& provision() const { return hw_.provision; }

 private:
  AnchoredState() = default;
  Hardware hw_;
  base::SystemClock clock_;
  std::unique_ptr<store::TransactionRunner> runner_;
  std::unique_ptr<AuditLog> log_;
  std::unique_ptr<Anchorer> anchorer_;
};

}  // namespace breakglass::audit::testing

#endif  // BREAKGLASS_TESTS_INTEGRATION_ANCHOR_HARDWARE_H_
