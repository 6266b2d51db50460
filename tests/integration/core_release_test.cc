// Issue 5's adversarial suite and the release invariants on SoftHSM2 + swtpm
// (labels hsm;tpm): the same cases as vault/core/vault_adversarial_test.cc,
// with the real keystore, log key, TPM counters and Anchorer.
#include <catch2/catch.hpp>

#include "tests/integration/core_world.h"
#include "vault/audit/event.h"
#include "vault/core/testing/adversarial_suite.h"

namespace breakglass::core::integration {
namespace {

using testing::AdversarialWorld;

struct World {
  std::unique_ptr<RealWorld> real;
  AdversarialWorld adv;

  World() {
    auto started = RealWorld::Start();
    INFO(started.status().ToString());
    REQUIRE(started.ok());
    real = *std::move(started);
    adv.h = &real->harness();
    adv.tpm_down = [this] { real->TpmDown(); };
    adv.tpm_up = [this] { REQUIRE(real->TpmUp().ok()); };
    adv.hsm_logout = [this] { REQUIRE(real->HsmLogout().ok()); };
    adv.hsm_login = [this] { REQUIRE(real->HsmLogin().ok()); };
    adv.tpm_name = "tpm";
    adv.tpm_code = absl::StatusCode::kUnavailable;
    adv.hsm_name = "CKR_PIN_INCORRECT";
    adv.hsm_code = absl::StatusCode::kPermissionDenied;
  }
};

TEST_CASE("Hardware adversarial: self-approval", "[core][hsm][tpm]") {
  World w;
  testing::SelfApprovalIsRefused(w.adv);
}
TEST_CASE("Hardware adversarial: a custodian approving twice", "[core][hsm][tpm]") {
  World w;
  testing::SecondApprovalBySameCustodianIsRefused(w.adv);
}
TEST_CASE("Hardware adversarial: an approval replayed on another request", "[core][hsm][tpm]") {
  World w;
  testing::ApprovalForAnotherRequestIsNotReplayable(w.adv);
}
TEST_CASE("Hardware adversarial: a signature by another custodian's key", "[core][hsm][tpm]") {
  World w;
  testing::SignatureByAnotherCustodiansKeyIsRefused(w.adv);
}
TEST_CASE("Hardware adversarial: a tampered statement", "[core][hsm][tpm]") {
  World w;
  testing::TamperedStatementIsRefused(w.adv);
}
TEST_CASE("Hardware adversarial: approval after the approval window", "[core][hsm][tpm]") {
  World w;
  testing::ApprovalAfterTheWindowIsRefused(w.adv);
}
TEST_CASE("Hardware adversarial: fetch after the use window", "[core][hsm][tpm]") {
  World w;
  testing::FetchAfterTheUseWindowIsRefused(w.adv);
}
TEST_CASE("Hardware adversarial: approval by a removed custodian", "[core][hsm][tpm]") {
  World w;
  testing::RemovedCustodianIsRefusedAndStopsCounting(w.adv);
}
TEST_CASE("Hardware adversarial: approvals for a rotated-away version", "[core][hsm][tpm]") {
  World w;
  testing::ApprovalsForARotatedAwayVersionAreRefused(w.adv);
}
TEST_CASE("Hardware adversarial: concurrent approvals racing past the threshold",
          "[core][hsm][tpm]") {
  World w;
  auto before = w.real->release_counter().Read();
  REQUIRE(before.ok());
  testing::ConcurrentApprovalsReleaseExactlyOnce(w.adv);
  auto after = w.real->release_counter().Read();
  REQUIRE(after.ok());
  CHECK(*after == *before + 1);  // exactly one release reached the TPM
}
TEST_CASE("Hardware adversarial: fetch by anyone but the requester", "[core][hsm][tpm]") {
  World w;
  testing::FetchByAnyoneButTheRequesterIsRefused(w.adv);
}
TEST_CASE("Hardware adversarial: a release key used by an earlier request", "[core][hsm][tpm]") {
  World w;
  testing::ReusedReleaseKeyIsRefused(w.adv);
}
TEST_CASE("Hardware adversarial: release while the TPM is unreachable", "[core][hsm][tpm]") {
  World w;
  testing::ReleaseWhileTheTpmIsUnreachableIsRefused(w.adv);
}
TEST_CASE("Hardware adversarial: release while the HSM is logged out", "[core][hsm][tpm]") {
  World w;
  testing::ReleaseWhileTheHsmIsLoggedOutIsRefused(w.adv);
}

TEST_CASE("Hardware: the release is in a signed checkpoint anchored by the release counter",
          "[core][hsm][tpm]") {
  World w;
  auto& h = w.real->harness();
  auto before = w.real->release_counter().Read();
  REQUIRE(before.ok());
  auto r = testing::FileWith(h, {"ann", "bob", "sam"});
  CHECK(*w.real->release_counter().Read() == *before + 1);
  auto leaves = h.Leaves();
  REQUIRE(leaves.ok());
  int64_t release_index = -1;
  for (size_t i = 0; i < leaves->size(); ++i) {
    auto e = audit::Event::Parse((*leaves)[i]);
    REQUIRE(e.ok());
    if (e->type() == audit::EventType::kRelease && e->subject() == r.id) {
      release_index = static_cast<int64_t>(i);
    }
  }
  REQUIRE(release_index >= 0);
  auto checkpoint = h.log().LatestCheckpoint();
  REQUIRE(checkpoint.ok());
  CHECK(checkpoint->size > static_cast<uint64_t>(release_index));
  auto evidence = h.log().AnchorEvidenceAt(checkpoint->size);
  REQUIRE(evidence.ok());
  CHECK_FALSE(evidence->empty());
  auto secret = h.FetchAndOpen("alice", r.id);
  REQUIRE(secret.ok());
  CHECK(secret->view(base::InsecureSecretAccess::Get()) == testing::kSecret);
}

}  // namespace
}  // namespace breakglass::core::integration
