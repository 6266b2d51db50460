// Keystore conformance backend: hsm/fake (in memory).
#include <catch2/catch.hpp>

#include "hsm/fake/fake_keystore.h"
#include "tests/conformance/keystore_conformance.h"

namespace breakglass::conformance {
namespace {

std::unique_ptr<hsm::FakeKeystore> Make(const std::string& label) {
  absl::StatusOr<std::unique_ptr<hsm::FakeKeystore>> ks = hsm::FakeKeystore::Create(label);
  REQUIRE(ks.ok());
  return *std::move(ks);
}

class FakeBackend final : public KeystoreBackend {
 public:
  hsm::Keystore& keystore() override { return *main_; }
  hsm::Keystore& other_named_keystore() override { return *other_named_; }
  hsm::Keystore& same_named_other_keystore() override { return *same_named_; }

 private:
  std::unique_ptr<hsm::FakeKeystore> main_ = Make("share-seal");
  std::unique_ptr<hsm::FakeKeystore> other_named_ = Make("share-seal-2");
  std::unique_ptr<hsm::FakeKeystore> same_named_ = Make("share-seal");
};

}  // namespace

std::unique_ptr<KeystoreBackend> MakeKeystoreBackend() { return std::make_unique<FakeBackend>(); }

}  // namespace breakglass::conformance
