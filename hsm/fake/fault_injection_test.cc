#include "hsm/fake/fault_injection.h"

#include <catch2/catch.hpp>

#include "hsm/fake/fake_keystore.h"
#include "hsm/fake/fake_log_signer.h"

namespace breakglass::hsm {
namespace {

base::SecretBytes Secret(std::string_view s) { return base::SecretBytes::CopyFrom(s); }

TEST_CASE("FaultInjectingKeystore fails the next N calls, then forwards", "[hsm][fake]") {
  auto fake = FakeKeystore::Create();
  REQUIRE(fake.ok());
  FaultInjectingKeystore ks(fake->get());
  ks.FailNext(2, absl::UnavailableError("HSM unplugged"));
  CHECK(ks.Seal(Secret("x"), "a").status().code() == absl::StatusCode::kUnavailable);
  CHECK(ks.Unseal("anything", "a").status().message() == "HSM unplugged");
  CHECK(ks.faults().forwarded() == 0);
  absl::StatusOr<std::string> env = ks.Seal(Secret("x"), "a");
  REQUIRE(env.ok());
  CHECK(ks.Unseal(*env, "a").ok());
  CHECK(ks.faults().forwarded() == 2);
  CHECK(ks.Describe() == (*fake)->Describe());
}

TEST_CASE("FaultInjectingKeystore can fail until cleared", "[hsm][fake]") {
  auto fake = FakeKeystore::Create();
  REQUIRE(fake.ok());
  FaultInjectingKeystore ks(fake->get());
  ks.faults().FailAlways(absl::FailedPreconditionError("logged out"));
  for (int i = 0; i < 5; ++i) CHECK_FALSE(ks.Seal(Secret("x"), "a").ok());
  ks.faults().Clear();
  CHECK(ks.Seal(Secret("x"), "a").ok());
}

TEST_CASE("FaultInjectingLogSigner fails Sign and PublicKey on schedule", "[hsm][fake]") {
  auto fake = FakeLogSigner::Create();
  REQUIRE(fake.ok());
  FaultInjectingLogSigner signer(fake->get());
  signer.FailNext(1, absl::UnavailableError("gone"));
  CHECK(signer.Sign("m").status().code() == absl::StatusCode::kUnavailable);
  CHECK(signer.Sign("m").ok());
  signer.FailNext(1, absl::UnavailableError("gone"));
  CHECK_FALSE(signer.PublicKey().ok());
  CHECK(signer.PublicKey().ok());
}

}  // namespace
}  // namespace breakglass::hsm
