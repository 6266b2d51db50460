// FakeBackend: the API's Backend (api/server/backend.h) over the real core,
// audit log, anchoring and SQLite store, with in-memory hardware: hsm/fake
// (keystore, Ed25519 log signer) and tpm/fake (counters whose NV_Certify
// evidence has the TPM's exact format, signed by a software AK). For the
// API's end-to-end tests; breakglassd's Appliance is the same wiring over
// SoftHSM2/PKCS#11 and a TPM.
//
// Thread-safety: as Backend.
#ifndef BREAKGLASS_API_TESTING_FAKE_BACKEND_H_
#define BREAKGLASS_API_TESTING_FAKE_BACKEND_H_

#include <filesystem>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "api/server/backend.h"

namespace breakglass::api::testing {

class FakeBackend final : public Backend {
 public:
  // The state file lives in `dir` (which must exist and outlive this).
  static absl::StatusOr<std::unique_ptr<FakeBackend>> Create(const std::filesystem::path& dir);
  ~FakeBackend() override;

  absl::StatusOr<ProvisionResult> Provision(const std::string& log_origin) override;
  core::Vault* vault() const override;
  audit::Anchorer* anchorer() const override;
  audit::AuditLog* log() const override;
  store::TransactionRunner* runner() const override;
  std::string log_verifier_key() const override;
  std::string ak_public_key_pem() const override;
  std::string scratch_dir() const override;

 private:
  struct Parts;
  FakeBackend(std::filesystem::path dir, std::unique_ptr<Parts> parts);

  const std::filesystem::path dir_;
  mutable absl::Mutex mu_;
  std::unique_ptr<Parts> parts_;
};

}  // namespace breakglass::api::testing

#endif  // BREAKGLASS_API_TESTING_FAKE_BACKEND_H_
