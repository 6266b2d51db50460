// Issue 5's adversarial suite and the release invariants on SoftHSM2 + swtpm
// (labels hsm;tpm): the same cases as vault/core/vault_adversarial_test.cc,
// with the real keystore, log key, TPM counters and Anchorer; and the release
// with the shares sealed by the TPM keystore (breakglassd's [keystore] kind =
// "tpm"), which stops unsealing once the PCR policy no longer holds.
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

  explicit World(RealWorldOptions options = {}) {
    auto started = RealWorld::Start(options);
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

// The keystore the release event of `id` names ("" when there is none).
std::string ReleaseKeystore(testing::VaultHarness& h, const std::string& id) {
  auto leaves = h.Leaves();
  REQUIRE(leaves.ok());
  for (const std::string& leaf : *leaves) {
    auto e = audit::Event::Parse(leaf);
    REQUIRE(e.ok());
    if (e->type() == audit::EventType::kRelease && e->subject() == id) {
      return e->fields().at("keystore").get<std::string>();
    }
  }
  return "";
}

TEST_CASE("Hardware: a quorum release with the shares sealed by the TPM keystore",
          "[core][hsm][tpm]") {
  RealWorldOptions options;
  options.tpm_keystore = true;
  World w(options);
  auto& h = w.real->harness();
  CHECK(w.real->share_keystore().Describe().rfind("tpm:", 0) == 0);
  auto before = w.real->release_counter().Read();
  REQUIRE(before.ok());
  auto r = testing::FileWith(h, {"ann", "bob", "sam"});
  CHECK(*w.real->release_counter().Read() == *before + 1);
  CHECK(ReleaseKeystore(h, r.id) == w.real->share_keystore().Describe());
  auto secret = h.FetchAndOpen("alice", r.id);
  INFO(secret.status().ToString());
  REQUIRE(secret.ok());
  CHECK(secret->view(base::InsecureSecretAccess::Get()) == testing::kSecret);
}

TEST_CASE("Hardware: the TPM keystore refuses the release once a policy PCR changed",
          "[core][hsm][tpm]") {
  RealWorldOptions options;
  options.tpm_keystore = true;
  World w(options);
  auto& h = w.real->harness();
  auto r = testing::FileWith(h, {"ann", "bob"});  // dba 2/3; security 1/2 still missing
  REQUIRE(w.real->tpm_env().ExtendPcr(16).ok());  // e.g. a changed boot chain
  auto before = w.real->release_counter().Read();
  REQUIRE(before.ok());
  testing::RequireRefused(h, absl::StatusCode::kFailedPrecondition, "PCR",
                          [&] { return h.Decide("sam", r.id); });
  CHECK(*w.real->release_counter().Read() == *before);
}

}  // namespace
}  // namespace breakglass::core::integration
