// The devices behind the anchoring integration tests and bench, opened the
// same way by the test process and by the crash child it spawns (so both talk
// to the same TPM counters and log key):
//
//   kFiles  file-backed stand-ins that survive a SIGKILL of the process: each
//           counter is a decimal file replaced by rename, the log key an
//           Ed25519 seed file. For the fast (unit) versions of the crash tests.
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
#include "vault/audit/anchor_protocol.h"

namespace breakglass::audit::testing {

// The checkpoint origin (log key name) of every anchoring integration test.
inline constexpr char kAnchorTestOrigin[] = "breakglass.test/anchor-integration";

struct HardwareConfig {
  enum class Kind { kFiles, kReal };
  Kind kind = Kind::kFiles;
  // kFiles: the directory holding "checkpoint.counter", "release.counter",
  // "log.seed".
  std::string dir;

  // Flags "--hw-kind=... --hw-dir=..." for the child.
  std::vector<std::string> ToArgs() const;
  // Parses the flags above out of `args` (other flags are left alone).
  static absl::StatusOr<HardwareConfig> FromArgs(const std::vector<std::string>& args);
};

struct Hardware {
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

// Moves the file-backed counter `label` by one, as something outside
// breakglass would.
absl::Status ForeignIncrementFileCounter(const HardwareConfig& config, const std::string& label);

}  // namespace breakglass::audit::testing

#endif  // BREAKGLASS_TESTS_INTEGRATION_ANCHOR_HARDWARE_H_
