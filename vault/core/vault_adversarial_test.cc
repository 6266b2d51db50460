// Issue 5's adversarial suite against the in-memory fakes. The same cases run
// against SoftHSM2 + swtpm in tests/integration/core_release_test.cc.
#include <catch2/catch.hpp>

#include "vault/core/testing/adversarial_suite.h"
#include "vault/core/testing/fake_anchor.h"
#include "vault/core/testing/test_keystore.h"

namespace breakglass::core::testing {
namespace {

struct FakeWorld {
  TestKeystore keystore;
  FakeAnchor anchor;
  std::unique_ptr<VaultHarness> harness;
  AdversarialWorld world;

  FakeWorld() {
    auto h = VaultHarness::Create(&keystore, &anchor);
    REQUIRE(h.ok());
    harness = *std::move(h);
    REQUIRE(harness->Provision().ok());
    world.h = harness.get();
    world.tpm_down = [this] { anchor.Down(absl::UnavailableError("tpm: TPM unreachable")); };
    world.tpm_up = [this] { anchor.Down(absl::OkStatus()); };
    world.hsm_logout = [this] { keystore.SetFault(TestKeystore::Fault::kLoggedOut); };
    world.hsm_login = [this] { keystore.SetFault(TestKeystore::Fault::kNone); };
    world.hsm_name = "keystore test:memory";
  }
};

TEST_CASE("Adversarial: self-approval", "[adversarial]") {
  FakeWorld f;
  SelfApprovalIsRefused(f.world);
}
TEST_CASE("Adversarial: a custodian approving twice", "[adversarial]") {
  FakeWorld f;
  SecondApprovalBySameCustodianIsRefused(f.world);
}
TEST_CASE("Adversarial: an approval replayed on another request", "[adversarial]") {
  FakeWorld f;
  ApprovalForAnotherRequestIsNotReplayable(f.world);
}
TEST_CASE("Adversarial: a signature by another custodian's key", "[adversarial]") {
  FakeWorld f;
  SignatureByAnotherCustodiansKeyIsRefused(f.world);
}
TEST_CASE("Adversarial: a tampered statement", "[adversarial]") {
  FakeWorld f;
  TamperedStatementIsRefused(f.world);
}
TEST_CASE("Adversarial: approval after the approval window", "[adversarial]") {
  FakeWorld f;
  ApprovalAfterTheWindowIsRefused(f.world);
}
TEST_CASE("Adversarial: fetch after the use window", "[adversarial]") {
  FakeWorld f;
  FetchAfterTheUseWindowIsRefused(f.world);
}
TEST_CASE("Adversarial: approval by a removed custodian", "[adversarial]") {
  FakeWorld f;
  RemovedCustodianIsRefusedAndStopsCounting(f.world);
}
TEST_CASE("Adversarial: approvals for a rotated-away version", "[adversarial]") {
  FakeWorld f;
  ApprovalsForARotatedAwayVersionAreRefused(f.world);
}
TEST_CASE("Adversarial: concurrent approvals racing past the threshold", "[adversarial]") {
  for (int round = 0; round < 5; ++round) {
    FakeWorld f;
    ConcurrentApprovalsReleaseExactlyOnce(f.world);
    CHECK(f.anchor.release_anchors() == 1);
  }
}
TEST_CASE("Adversarial: fetch by anyone but the requester", "[adversarial]") {
  FakeWorld f;
  FetchByAnyoneButTheRequesterIsRefused(f.world);
}
TEST_CASE("Adversarial: a release key used by an earlier request", "[adversarial]") {
  FakeWorld f;
  ReusedReleaseKeyIsRefused(f.world);
}
TEST_CASE("Adversarial: release while the TPM is unreachable", "[adversarial]") {
  FakeWorld f;
  ReleaseWhileTheTpmIsUnreachableIsRefused(f.world);
  CHECK(f.anchor.release_anchors() == 1);
}
TEST_CASE("Adversarial: release while the HSM is logged out", "[adversarial]") {
  FakeWorld f;
  ReleaseWhileTheHsmIsLoggedOutIsRefused(f.world);
}

}  // namespace
}  // namespace breakglass::core::testing
