// MonotonicCounter conformance backend: tpm/fake (in memory, label unit).
// Counters start from an arbitrary large value, as a TPM's new counter does.
#include <catch2/catch.hpp>
#include <map>

#include "tests/conformance/monotonic_counter_conformance.h"
#include "tpm/evidence/attest.h"
#include "tpm/fake/fake_counter.h"

namespace breakglass::conformance {
namespace {

class FakeBackend final : public MonotonicCounterBackend {
 public:
  FakeBackend() {
    auto ak = tpm::FakeAttestationKey::Generate();
    REQUIRE(ak.ok());
    ak_ = *ak;
  }

  absl::StatusOr<std::unique_ptr<tpm::MonotonicCounter>> NewUnwrittenCounter(
      std::string label) override {
    const uint32_t index = next_index_++;
    auto counter = tpm::FakeCounter::Create(
        {.label = std::move(label), .nv_index = index, .initial_value = 0x5eed0000ull + index},
        ak_);
    if (!counter.ok()) return counter.status();
    indices_[counter->get()] = index;
    return std::unique_ptr<tpm::MonotonicCounter>(std::move(*counter));
  }

  std::string AkPublicKeyPem() override { return ak_->PublicKeyPem(); }

  std::string ExpectedIndexName(const tpm::MonotonicCounter& counter) override {
    return *tpm::NvIndexName({.nv_index = indices_.at(&counter),
                              .name_alg = tpm::kTpmAlgSha256,
                              .attributes = tpm::kDefaultCounterAttributes | tpm::kTpmaNvWritten,
                              .auth_policy = "",
                              .data_size = 8});
  }

 private:
  std::shared_ptr<const tpm::FakeAttestationKey> ak_;
  uint32_t next_index_ = 0x01500010;
  std::map<const tpm::MonotonicCounter*, uint32_t> indices_;
};

}  // namespace

std::unique_ptr<MonotonicCounterBackend> MakeMonotonicCounterBackend() {
  return std::make_unique<FakeBackend>();
}

}  // namespace breakglass::conformance
