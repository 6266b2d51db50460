#include "tpm/fake/fake_counter.h"

#include <catch2/catch.hpp>

#include "tpm/evidence/verifier.h"
#include "tpm/fake/fault_injecting_counter.h"

namespace breakglass::tpm {
namespace {

TEST_CASE("NewCounterIsUnwrittenThenJumpsToItsStartValue", "[tpm_fake]") {
  auto ak = *FakeAttestationKey::Generate();
  auto c = *FakeCounter::Create({.label = "release", .initial_value = 1000}, ak);
  CHECK(c->Read().status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(c->Certify("q").status().code() == absl::StatusCode::kFailedPrecondition);
  const std::string unwritten_name = c->IndexName();
  CHECK(*c->Increment() == 1001);
  CHECK(*c->Read() == 1001);
  CHECK(c->IndexName() != unwritten_name);
  CHECK(c->IndexName() == c->WrittenIndexName());
}

TEST_CASE("ResetAndRestartShowInEvidence", "[tpm_fake]") {
  auto ak = *FakeAttestationKey::Generate();
  auto c = *FakeCounter::Create({.written = true}, ak);
  auto v = *EvidenceVerifier::Create(ak->PublicKeyPem());
  auto before = *v.Verify(*c->Certify("a"), c->WrittenIndexName());
  c->SimulateRestart();
  auto restarted = *v.Verify(*c->Certify("b"), c->WrittenIndexName());
  CHECK(restarted.clock_info.restart_count == before.clock_info.restart_count + 1);
  c->SimulateReset();
  auto reset = *v.Verify(*c->Certify("c"), c->WrittenIndexName());
  CHECK(reset.clock_info.reset_count == before.clock_info.reset_count + 1);
  CHECK(reset.clock_info.restart_count == 0);
}

TEST_CASE("FaultInjectorFailsScriptedCallsWithoutForwarding", "[tpm_fake]") {
  auto ak = *FakeAttestationKey::Generate();
  auto c = *FakeCounter::Create({.initial_value = 5, .written = true}, ak);
  FaultInjectingCounter f(c.get());
  f.FailNext(FaultInjectingCounter::Op::kIncrement, absl::UnavailableError("tpm gone"), 2);
  CHECK(f.Increment().status().code() == absl::StatusCode::kUnavailable);
  CHECK(f.Increment().status().code() == absl::StatusCode::kUnavailable);
  CHECK(*c->Read() == 5);
  CHECK(*f.Increment() == 6);
  CHECK(f.forwarded(FaultInjectingCounter::Op::kIncrement) == 1);
  CHECK(f.Label() == c->Label());
}

TEST_CASE("FaultInjectorCanLoseAnAppliedIncrement", "[tpm_fake]") {
  auto ak = *FakeAttestationKey::Generate();
  auto c = *FakeCounter::Create({.initial_value = 5, .written = true}, ak);
  FaultInjectingCounter f(c.get());
  f.LoseNextIncrementResponses(1);
  CHECK(f.Increment().status().code() == absl::StatusCode::kUnavailable);
  CHECK(*f.Read() == 6);  // the write happened
  f.SetDown(absl::UnavailableError("down"));
  CHECK(f.Read().status().code() == absl::StatusCode::kUnavailable);
  CHECK(f.Certify("q").status().code() == absl::StatusCode::kUnavailable);
  f.SetDown(absl::OkStatus());
  CHECK(*f.Read() == 6);
}

}  // namespace
}  // namespace breakglass::tpm
