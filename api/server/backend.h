// Backend: what the API's handlers need from the appliance — the core vault,
// the audit log and its anchoring, and the provisioning ceremony. breakglassd's
// Appliance implements it over the real SQLite store, PKCS#11 token and TPM;
// tests implement it over the same core and audit code with in-memory
// devices (api/testing/fake_backend.h).
//
// Before provisioning vault(), anchorer() return null and handlers answer
// FAILED_PRECONDITION "not initialised: run breakglass init".
//
// In rollback recovery (breakglassd --recover-rollback after its start-up
// check found the state disagreeing with the TPM counters) vault() and
// anchorer() are null too and rollback_recovery() is not: the gate serves
// only the RPCs the table marks for recovery (rpc_table.h). Once the clear
// is recorded, rollback_recovery() is null and vault() is not.
//
// Thread-safety: implementations are safe to call from many threads; the
// returned objects are thread-safe and live as long as the Backend.
#ifndef BREAKGLASS_API_SERVER_BACKEND_H_
#define BREAKGLASS_API_SERVER_BACKEND_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

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

// What the provisioning ceremony produced, for auditors to record.
struct ProvisionResult {
  std::string log_verifier_key;   // C2SP "name+keyhash+base64"
  std::string ak_public_key_pem;  // TPM attestation key (SPKI PEM)
  std::string ak_fingerprint;     // "SHA256:<hex>"
  std::string genesis_checkpoint;
  uint64_t release_counter_start = 0;
  uint64_t checkpoint_counter_start = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;

  // The provisioning ceremony (`breakglass init`). FAILED_PRECONDITION when
  // already provisioned; errors naming the component ("hsm: ...", "tpm: ...").
  virtual absl::StatusOr<ProvisionResult> Provision(const std::string& log_origin) = 0;

  // Null until provisioned.
  virtual core::Vault* vault() const = 0;
  virtual audit::Anchorer* anchorer() const = 0;
  // Always present.
  virtual audit::AuditLog* log() const = 0;
  virtual store::TransactionRunner* runner() const = 0;
  // "" until provisioned.
  virtual std::string log_verifier_key() const = 0;
  virtual std::string ak_public_key_pem() const = 0;
  // Where ExportBundle may create temporary bundle directories.
  virtual std::string scratch_dir() const = 0;
  // Non-null while the appliance is in rollback recovery (file comment).
  virtual core::RollbackRecovery* rollback_recovery() const { return nullptr; }
};

}  // namespace breakglass::api

#endif  // BREAKGLASS_API_SERVER_BACKEND_H_
