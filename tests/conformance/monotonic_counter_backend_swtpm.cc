// MonotonicCounter conformance backend: tpm/tss on a private swtpm (label
// tpm). Each counter is a freshly defined NV index with the password write
// policy; the expected Name is computed offline from the definition.
#include <catch2/catch.hpp>
#include <map>

#include "tests/conformance/monotonic_counter_conformance.h"
#include "tpm/evidence/attest.h"
#include "tpm/tss/testing/tss_test_env.h"

namespace breakglass::conformance {
namespace {

using tpm::tss::testing::TssTestEnv;

class SwtpmBackend final : public MonotonicCounterBackend {
 public:
  SwtpmBackend() {
    auto env = TssTestEnv::Start();
    INFO(env.status().ToString());
    REQUIRE(env.ok());
    env_ = *std::move(env);
  }

  absl::StatusOr<std::unique_ptr<tpm::MonotonicCounter>> NewUnwrittenCounter(
      std::string label) override {
    auto counter = env_->NewCounter(std::move(label));
    if (!counter.ok()) return counter.status();
    indices_[counter->get()] = (*counter)->nv_index();
    return std::unique_ptr<tpm::MonotonicCounter>(std::move(*counter));
  }

  std::string AkPublicKeyPem() override { return env_->ak().public_key_pem(); }

  std::string ExpectedIndexName(const tpm::MonotonicCounter& counter) override {
    const uint32_t attributes =
        tpm::tss::NvCounterAttributes(tpm::tss::NvWritePolicy::kAuthValue) | tpm::kTpmaNvWritten;
    return *tpm::NvIndexName({.nv_index = indices_.at(&counter),
                              .name_alg = tpm::kTpmAlgSha256,
                              .attributes = attributes,
                              .auth_policy = "",
                              .data_size = 8});
  }

 private:
  std::unique_ptr<TssTestEnv> env_;
  std::map<const tpm::MonotonicCounter*, uint32_t> indices_;
};

}  // namespace

std::unique_ptr<MonotonicCounterBackend> MakeMonotonicCounterBackend() {
  return std::make_unique<SwtpmBackend>();
}

}  // namespace breakglass::conformance
