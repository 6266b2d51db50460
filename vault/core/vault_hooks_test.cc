// The vault's optional hooks (release_gate.h, incident_checker.h): what they
// are told, and that their refusal leaves no state change.
#include <catch2/catch.hpp>

#include "vault/core/testing/fake_anchor.h"
#include "vault/core/testing/test_keystore.h"
#include "vault/core/testing/vault_harness.h"

namespace breakglass::core {
namespace {

using testing::VaultHarness;

struct RecordingGate final : ReleaseGate {
  absl::Status BeforeRelease(const ReleaseNotice& n) override {
    notices.push_back(n);
    return answer;
  }
  std::vector<ReleaseNotice> notices;
  absl::Status answer;
};

struct RecordingChecker final : IncidentChecker {
  absl::Status CheckIncident(const IncidentQuery& q) override {
    queries.push_back(q);
    return answer;
  }
  std::vector<IncidentQuery> queries;
  absl::Status answer;
};

struct Fixture {
  testing::TestKeystore keystore;
  testing::FakeAnchor anchor;
  RecordingGate gate;
  RecordingChecker checker;
  std::unique_ptr<VaultHarness> h;
  Fixture() {
    VaultHarness::Extras extras;
    extras.configure = [this](store::TransactionRunner&, EventLog&, EventLog&, VaultDeps& deps) {
      deps.release_gate = &gate;
      deps.incident_checker = &checker;
      return absl::OkStatus();
    };
    auto made = VaultHarness::Create(&keystore, [this](auto&, auto&) {
      return absl::StatusOr<Anchor*>(&anchor);
    }, std::move(extras));
    REQUIRE(made.ok());
    h = *std::move(made);
    REQUIRE(h->Provision().ok());
  }
};

TEST_CASE("ReleaseGateSeesTheReleaseAndItsRefusalStoresNothing", "[core]") {
  Fixture f;
  auto r = f.h->File();
  REQUIRE(r.ok());
  REQUIRE(f.h->Decide("ann", r->id).ok());
  REQUIRE(f.h->Decide("bob", r->id).ok());
  CHECK(f.gate.notices.empty());  // not yet a release
  auto before = f.h->Snap();
  REQUIRE(before.ok());
  f.gate.answer = absl::UnavailableError("no alert sink accepted");
  auto refused = f.h->Decide("sam", r->id);
  CHECK(refused.status().code() == absl::StatusCode::kUnavailable);
  CHECK(refused.status().message().find("no alert sink accepted") != absl::string_view::npos);
  CHECK(*f.h->Snap() == *before);
  REQUIRE(f.gate.notices.size() == 1);
  const ReleaseNotice& n = f.gate.notices[0];
  CHECK(n.request_id == r->id);
  CHECK(n.credential == "db-root");
  CHECK(n.requester == "alice");
  CHECK(n.incident == testing::kIncident);
  CHECK(n.approvers == "ann,bob,sam");
  CHECK(n.approved_by == "sam");
  f.gate.answer = absl::OkStatus();
  auto released = f.h->Decide("sam", r->id);
  REQUIRE(released.ok());
  CHECK(released->state == RequestState::kReleased);
}

TEST_CASE("IncidentCheckerIsAskedBeforeARequestIsStored", "[core]") {
  Fixture f;
  auto before = f.h->Snap();
  REQUIRE(before.ok());
  f.checker.answer = absl::FailedPreconditionError("incident INC-4711 is closed");
  CHECK(f.h->File().status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(*f.h->Snap() == *before);
  REQUIRE(f.checker.queries.size() == 1);
  CHECK(f.checker.queries[0].incident == testing::kIncident);
  CHECK(f.checker.queries[0].credential == "db-root");
  CHECK(f.checker.queries[0].requester == "alice");
  f.checker.answer = absl::OkStatus();
  CHECK(f.h->File().ok());
}

}  // namespace
}  // namespace breakglass::core
