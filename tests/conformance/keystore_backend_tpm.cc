// Keystore conformance backend: tpm/tss's sealing keystore on a private swtpm
// (label tpm). The other-named keystore uses another SRK handle on the same
// TPM; the same-named other keystore is a second swtpm whose SRK sits at the
// same handle (a re-provisioned or foreign TPM).
#include <catch2/catch.hpp>

#include "tests/conformance/keystore_conformance.h"
#include "tpm/tss/sealing_keystore.h"
#include "tpm/tss/testing/tss_test_env.h"

namespace breakglass::conformance {
namespace {

using tpm::tss::SealingKeystoreOptions;
using tpm::tss::TpmSealingKeystore;
using tpm::tss::testing::TssTestEnv;

template <typename T>
T Must(absl::StatusOr<T> v) {
  INFO(v.status().ToString());
  REQUIRE(v.ok());
  return *std::move(v);
}

std::unique_ptr<TpmSealingKeystore> Keystore(TssTestEnv& env, uint32_t srk_handle) {
  SealingKeystoreOptions options;
  options.srk_handle = srk_handle;
  options.pcrs = {.bank = "sha256", .pcrs = {7, 16}};
  return Must(TpmSealingKeystore::Create(&env.context(), options));
}

class TpmBackend final : public KeystoreBackend {
 public:
  TpmBackend() {
    env_ = Must(TssTestEnv::Start());
    other_env_ = Must(TssTestEnv::Start());
    main_ = Keystore(*env_, tpm::tss::testing::kTestSrkHandle);
    other_named_ = Keystore(*env_, tpm::tss::testing::kTestSrkHandle + 1);
    same_named_ = Keystore(*other_env_, tpm::tss::testing::kTestSrkHandle);
  }

  hsm::Keystore& keystore() override { return *main_; }
  hsm::Keystore& other_named_keystore() override { return *other_named_; }
  hsm::Keystore& same_named_other_keystore() override { return *same_named_; }

 private:
  // Declared first, destroyed last: keystores go before their swtpm.
  std::unique_ptr<TssTestEnv> env_;
  std::unique_ptr<TssTestEnv> other_env_;
  std::unique_ptr<TpmSealingKeystore> main_;
  std::unique_ptr<TpmSealingKeystore> other_named_;
  std::unique_ptr<TpmSealingKeystore> same_named_;
};

}  // namespace

std::unique_ptr<KeystoreBackend> MakeKeystoreBackend() { return std::make_unique<TpmBackend>(); }

}  // namespace breakglass::conformance
