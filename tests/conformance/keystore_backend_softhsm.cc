// Keystore conformance backend: hsm/pkcs11 on a private SoftHSM2 token, through
// p11-kit. A second token in the same SoftHSM2 directory, provisioned with the
// same labels, supplies a same-named but different key.
#include <catch2/catch.hpp>

#include "hsm/pkcs11/pin.h"
#include "hsm/pkcs11/pkcs11_keystore.h"
#include "hsm/pkcs11/provisioning.h"
#include "hsm/pkcs11/testing/softhsm_appliance.h"
#include "tests/conformance/keystore_conformance.h"

namespace breakglass::conformance {
namespace {

using hsm::pkcs11::Pkcs11Keystore;
using hsm::pkcs11::Token;

template <typename T>
T Must(absl::StatusOr<T> v) {
  INFO(v.status().ToString());
  REQUIRE(v.ok());
  return *std::move(v);
}

class SoftHsmBackend final : public KeystoreBackend {
 public:
  SoftHsmBackend() {
    appliance_ = Must(hsm::pkcs11::testing::SoftHsmAppliance::Create(true, {"other"}));
    REQUIRE(hsm::pkcs11::CreateSealingKey(appliance_.token, "share-seal-2").ok());
    base::SecretBytes pin = Must(hsm::pkcs11::ReadPinFile(appliance_.hsm->pin_file().string()));
    other_token_ = Must(
        Token::Open({.module_path = appliance_.hsm->module_path(), .uri = "pkcs11:token=other"},
                    std::move(pin)));
    REQUIRE(hsm::pkcs11::ProvisionApplianceKeys(other_token_, appliance_.labels).ok());
    main_ = Must(Pkcs11Keystore::Open(appliance_.token, appliance_.seal_uri()));
    other_named_ = Must(Pkcs11Keystore::Open(appliance_.token, "pkcs11:object=share-seal-2"));
    same_named_ = Must(Pkcs11Keystore::Open(other_token_, appliance_.seal_uri()));
  }

  hsm::Keystore& keystore() override { return *main_; }
  hsm::Keystore& other_named_keystore() override { return *other_named_; }
  hsm::Keystore& same_named_other_keystore() override { return *same_named_; }

 private:
  // Declared first, destroyed last: the keystores and tokens go before the
  // SoftHSM2 directory does.
  hsm::pkcs11::testing::SoftHsmAppliance appliance_;
  std::shared_ptr<Token> other_token_;
  std::unique_ptr<Pkcs11Keystore> main_;
  std::unique_ptr<Pkcs11Keystore> other_named_;
  std::unique_ptr<Pkcs11Keystore> same_named_;
};

}  // namespace

std::unique_ptr<KeystoreBackend> MakeKeystoreBackend() {
  return std::make_unique<SoftHsmBackend>();
}

}  // namespace breakglass::conformance
