// Appliance: breakglassd's composition root. It owns every real component and
// wires them together (STYLE.md: "breakglassd's main is the one place that
// wires real implementations to the core"):
//
//   SQLite state file (vault/store) ─ AuditLog (vault/audit) ─ Anchorer
//   PKCS#11 token (hsm/pkcs11): Ed25519 log signer; the share-sealing
//     keystore when keystore.kind = "pkcs11" (the default)
//   TPM (tpm/tss): attestation key, release and checkpoint NV counters; the
//     share-sealing keystore when keystore.kind = "tpm" (sealed-data objects
//     under the profile's SRK, bound to its PCR policy)
//   core::Vault over all of them (AuditEventLog, AuditAnchor adapters)
//   optional components that the configuration turns on (alerts, incident
//   checks): built in one place, Appliance::AddOptionalComponents
//
// Where things are comes from the firmware profile (firmware-config: NV
// indices, AK and SRK handles, PCR policy, token label, key labels) and
// breakglassd.toml (state file, TCTI, PIN file, keystore kind).
//
// Three states. Unprovisioned (empty log): only Provision — the `breakglass
// init` ceremony — does anything; the vault does not exist yet. Provisioned:
// Open runs the anchoring start-up check, and a rollback (the store behind
// the TPM, or ahead of it) refuses to open with the counters' numbers. In
// rollback recovery (Open with recover_rollback after such a rollback): no
// vault, only the quorum-approved clear; once recorded, provisioned.
//
// Thread-safety: Provision is serialised; the accessors are safe from many
// threads once they return non-null (the objects are themselves thread-safe).
#ifndef BREAKGLASS_API_BREAKGLASSD_APPLIANCE_H_
#define BREAKGLASS_API_BREAKGLASSD_APPLIANCE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "api/breakglassd/config.h"
#include "api/server/backend.h"
#include "firmware-config/firmware_profile.h"

namespace breakglass::audit {
class AuditLog;
class Anchorer;
}  // namespace breakglass::audit
namespace breakglass::core {
class RollbackRecovery;
class Vault;
}  // namespace breakglass::core
namespace breakglass::store {
class TransactionRunner;
}  // namespace breakglass::store

namespace breakglass::api {

class Appliance final : public Backend {
 public:
  // Opens the state file, the token (PIN from hsm.pin_file) and the TPM. When
  // the log is provisioned, also the keys, counters and AK, runs the start-up
  // check and creates the vault. Errors name the component: "store: ...",
  // "hsm: ...", "tpm: ..."; FAILED_PRECONDITION "refusing to start: rollback:
  // ..." naming both values of the counter that disagrees. A keystore.kind
  // other than init's finds no share-sealing key (NOT_FOUND /
  // FAILED_PRECONDITION naming keystore.kind).
  //
  // With `recover_rollback`, a rollback found by the start-up check opens the
  // appliance in rollback recovery instead (rollback_recovery() non-null, no
  // vault): custodians approve the clear (core/rollback_recovery.h), and once
  // it is recorded the vault is created in this process and the appliance
  // serves normally. INVALID_ARGUMENT "recovery.rollback_clear_approvals: ..."
  // when fewer active custodians exist than the clear needs. Without a
  // rollback the flag changes nothing.
  static absl::StatusOr<std::unique_ptr<Appliance>> Open(const DaemonConfig& config,
                                                         const firmware::FirmwareProfile& profile,
                                                         bool recover_rollback = false);
  ~Appliance();
  Appliance(const Appliance&) = delete;
  Appliance& operator=(const Appliance&) = delete;

  // The `breakglass init` ceremony: creates the HSM log-signer key, the
  // share-sealing key of keystore.kind (AES key on the token, or the TPM's
  // SRK), defines the TPM counters with the write secrets from the
  // profile's auth files, creates the attestation key, writes the genesis
  // provision + anchor leaves and checkpoint, and creates the vault.
  // FAILED_PRECONDITION when already provisioned or an auth file is missing;
  // INVALID_ARGUMENT for a bad origin; component errors.
  absl::StatusOr<ProvisionResult> Provision(const std::string& log_origin) override;

  core::Vault* vault() const override;
  audit::Anchorer* anchorer() const override;
  audit::AuditLog* log() const override;
  store::TransactionRunner* runner() const override;
  std::string log_verifier_key() const override;
  std::string ak_public_key_pem() const override;
  // <state_dir>/exports
  std::string scratch_dir() const override;
  // Non-null while in rollback recovery (Open).
  core::RollbackRecovery* rollback_recovery() const override;

  // When provisioned and not in recovery: a warning if fewer active
  // custodians exist than recovery.rollback_clear_approvals, so that a
  // rollback could not be cleared; nullopt otherwise.
  std::optional<std::string> RecoveryQuorumWarning() const;

 private:
  struct Parts;
  Appliance(DaemonConfig config, firmware::FirmwareProfile profile, std::unique_ptr<Parts> parts);

  absl::Status OpenProvisioned(bool recover_rollback);
  absl::Status CreateHsmKeys() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Rollback recovery after a start-up alarm (Open).
  absl::Status EnterRecovery() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Called once the clear is recorded: the vault, and normal service.
  absl::Status LeaveRecovery();
  absl::Status OpenDevices(bool create);
  absl::Status StartAnchoring(const std::string& origin);
  // Optional components from the configuration (alerts, incident checker);
  // see appliance.cc. Then the vault over everything.
  absl::Status AddOptionalComponents() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status CreateVault() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const DaemonConfig config_;
  const firmware::FirmwareProfile profile_;
  mutable absl::Mutex mu_;
  std::unique_ptr<Parts> parts_ ABSL_GUARDED_BY(mu_);
  bool recovering_ ABSL_GUARDED_BY(mu_) = false;
  // Why the appliance entered rollback recovery (the Anchorer's refusal),
  // for the alert sent once the clear lets the alert system start.
  std::string recovery_why_ ABSL_GUARDED_BY(mu_);
};

}  // namespace breakglass::api

#endif  // BREAKGLASS_API_BREAKGLASSD_APPLIANCE_H_
