// The core's release path on real devices (issue 5, labels hsm;tpm): a private
// SoftHSM2 token holding the share-sealing key and the Ed25519 log key
// (hsm/pkcs11), a private swtpm with the release and checkpoint NV counters
// and the attestation key (tpm/tss), the audit log's Anchorer over them, and a
// VaultHarness (vault/core/testing) whose keystore and anchor are these. The
// shares' keystore is the token's AES key, or (option) the TPM sealing
// keystore, as breakglassd's [keystore] kind chooses.
//
// Also the faults the adversarial suite needs: the TPM killed and restarted
// on the same state, and the token logged out with its PIN changed (so the
// appliance cannot log back in) and restored.
//
// One per process (SoftHSM2 reads its configuration once per process).
//
// Thread-safety: the devices and the Vault are safe from many threads; the
// fault switches are for the test's thread.
#ifndef BREAKGLASS_TESTS_INTEGRATION_CORE_WORLD_H_
#define BREAKGLASS_TESTS_INTEGRATION_CORE_WORLD_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hsm/pkcs11/pkcs11_keystore.h"
#include "hsm/pkcs11/pkcs11_log_signer.h"
#include "hsm/pkcs11/testing/softhsm_appliance.h"
#include "tpm/tss/nv_counter.h"
#include "tpm/tss/sealing_keystore.h"
#include "tpm/tss/testing/tss_test_env.h"
#include "vault/audit/anchor.h"
#include "vault/base/clock.h"
#include "vault/core/audit_adapters.h"
#include "vault/core/testing/vault_harness.h"

namespace breakglass::core::integration {

struct RealWorldOptions {
  // Least time between two anchors (the Anchorer's NV wear guard).
  absl::Duration min_interval = absl::ZeroDuration();
  // Shares sealed by the TPM (tpm/tss TpmSealingKeystore under the test SRK,
  // PCR policy sha256:16) instead of the SoftHSM2 token's AES key.
  bool tpm_keystore = false;
};

class RealWorld final {
 public:
  // Starts the devices, provisions the log (genesis anchor) and the vault's
  // cast (testing::VaultHarness::Provision). Errors name the device.
  static absl::StatusOr<std::unique_ptr<RealWorld>> Start(RealWorldOptions options = {});
  ~RealWorld();

  testing::VaultHarness& harness() { return *harness_; }
  audit::Anchorer& anchorer() { return *anchorer_; }
  hsm::pkcs11::Pkcs11Keystore& keystore() { return *keystore_; }
  // The keystore the vault seals shares with (the token's, or the TPM's).
  hsm::Keystore& share_keystore();
  hsm::pkcs11::Pkcs11LogSigner& signer() { return *signer_; }
  tpm::tss::TssNvCounter& release_counter() { return *release_; }
  tpm::tss::TssNvCounter& checkpoint_counter() { return *checkpoint_; }
  breakglass::testing::SwtpmProcess& swtpm() { return tpm_->swtpm(); }
  // The swtpm environment, e.g. to define a spare counter for benchmarks.
  tpm::tss::testing::TssTestEnv& tpm_env() { return *tpm_; }
  const std::filesystem::path& hsm_dir() const { return hsm_.hsm->dir(); }

  // The TPM goes away (swtpm SIGKILLed) / comes back on the same state.
  void TpmDown();
  absl::Status TpmUp();
  // The token is logged out and its user PIN changed behind the appliance's
  // back, so it cannot log in again / the PIN is restored and logged in.
  absl::Status HsmLogout();
  absl::Status HsmLogin();

 private:
  struct Outside;
  RealWorld() = default;
  absl::Status Open(RealWorldOptions options);

  hsm::pkcs11::testing::SoftHsmAppliance hsm_;
  std::unique_ptr<tpm::tss::testing::TssTestEnv> tpm_;
  std::unique_ptr<tpm::tss::TpmSealingKeystore> tpm_keystore_;  // options.tpm_keystore
  std::unique_ptr<tpm::tss::TssNvCounter> checkpoint_;
  std::unique_ptr<tpm::tss::TssNvCounter> release_;
  std::unique_ptr<hsm::pkcs11::Pkcs11Keystore> keystore_;
  std::unique_ptr<hsm::pkcs11::Pkcs11LogSigner> signer_;
  base::SystemClock anchor_clock_;
  std::unique_ptr<testing::VaultHarness> harness_;
  std::unique_ptr<audit::Anchorer> anchorer_;
  std::unique_ptr<AuditAnchor> anchor_;
  std::unique_ptr<Outside> outside_;
};

}  // namespace breakglass::core::integration

#endif  // BREAKGLASS_TESTS_INTEGRATION_CORE_WORLD_H_
