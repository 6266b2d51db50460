// LogSigner conformance backend: hsm/pkcs11 (CKM_EDDSA) on a private SoftHSM2
// token through p11-kit.
#include <catch2/catch.hpp>

#include "hsm/pkcs11/pkcs11_log_signer.h"
#include "hsm/pkcs11/provisioning.h"
#include "hsm/pkcs11/testing/softhsm_appliance.h"
#include "tests/conformance/log_signer_conformance.h"

namespace breakglass::conformance {
namespace {

using hsm::pkcs11::Pkcs11LogSigner;

template <typename T>
T Must(absl::StatusOr<T> v) {
  INFO(v.status().ToString());
  REQUIRE(v.ok());
  return *std::move(v);
}

class SoftHsmBackend final : public LogSignerBackend {
 public:
  SoftHsmBackend() {
    appliance_ = Must(hsm::pkcs11::testing::SoftHsmAppliance::Create());
    REQUIRE(hsm::pkcs11::CreateSigningKeyPair(appliance_.token, "log-signing-2",
                                              crypto::SignatureAlgorithm::kEd25519)
                .ok());
    main_ = Must(Pkcs11LogSigner::Open(appliance_.token, appliance_.log_uri()));
    other_ = Must(Pkcs11LogSigner::Open(appliance_.token, "pkcs11:object=log-signing-2"));
  }

  hsm::LogSigner& signer() override { return *main_; }
  hsm::LogSigner& other_signer() override { return *other_; }

 private:
  hsm::pkcs11::testing::SoftHsmAppliance appliance_;  // destroyed last
  std::unique_ptr<Pkcs11LogSigner> main_;
  std::unique_ptr<Pkcs11LogSigner> other_;
};

}  // namespace

std::unique_ptr<LogSignerBackend> MakeLogSignerBackend() {
  return std::make_unique<SoftHsmBackend>();
}

}  // namespace breakglass::conformance
