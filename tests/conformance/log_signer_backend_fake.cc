// LogSigner conformance backend: hsm/fake (OpenSSL Ed25519 in memory).
#include <catch2/catch.hpp>

#include "hsm/fake/fake_log_signer.h"
#include "tests/conformance/log_signer_conformance.h"

namespace breakglass::conformance {
namespace {

std::unique_ptr<hsm::FakeLogSigner> Make() {
  absl::StatusOr<std::unique_ptr<hsm::FakeLogSigner>> s = hsm::FakeLogSigner::Create();
  REQUIRE(s.ok());
  return *std::move(s);
}

class FakeBackend final : public LogSignerBackend {
 public:
  hsm::LogSigner& signer() override { return *main_; }
  hsm::LogSigner& other_signer() override { return *other_; }

 private:
  std::unique_ptr<hsm::FakeLogSigner> main_ = Make();
  std::unique_ptr<hsm::FakeLogSigner> other_ = Make();
};

}  // namespace

std::unique_ptr<LogSignerBackend> MakeLogSignerBackend() { return std::make_unique<FakeBackend>(); }

}  // namespace breakglass::conformance
