// Anchorer on fakes: provisioning, the protocol's steps, group commit, the
// minimum interval, routine age and the write budget.
#include "vault/audit/anchor.h"

#include <catch2/catch.hpp>
#include <atomic>
#include <chrono>
#include <thread>

#include "vault/audit/anchor_test_world.h"

namespace breakglass::audit {
namespace {

using testing::AnchorFixture;
using testing::AppendRequest;
using testing::Fast;
using testing::LastAnchor;
using testing::Message;
using testing::Provision;
using testing::RequireLastAnchorComplete;
using testing::World;

TEST_CASE("Provisioning records the TPM's start values and anchors a genesis", "[anchor]") {
  World w;
  Provision(w);
  const LocatedAnchor a = RequireLastAnchorComplete(w);
  REQUIRE(a.seq == 1);
  REQUIRE(a.statement == AnchorStatement{AnchorKind::kGenesis, 42, 8});
  absl::StatusOr<std::string> leaf0 = w.fx.log().Leaf(0);
  absl::StatusOr<ProvisionStatement> p = ParseProvisionEvent(*Event::Parse(*leaf0));
  REQUIRE(p.ok());
  REQUIRE(p->checkpoint.start_value == 41);
  REQUIRE(p->release.start_value == 7);
  REQUIRE(p->log_verifier_key == w.fx.anchorer().verifier().ToString());
  REQUIRE(w.fx.anchorer().nv_writes().since_genesis == 2);
}

TEST_CASE("Provisioning writes a never-written counter once and records its value",
          "[anchor]") {
  World w;
  std::unique_ptr<tpm::FakeCounter> fresh =
      w.tpm.MakeCounter("checkpoint", 0x01500010, 1000, /*written=*/false);
  AnchorFixture fx(fresh.get(), &w.tpm.release(), &w.signer, &w.clock);
  REQUIRE(fx.Open(Fast()).ok());
  REQUIRE(fx.anchorer().Provision(w.tpm.Provision()).ok());
  REQUIRE(*fresh->Read() == 1002);  // first write -> 1001 recorded, genesis -> 1002
  REQUIRE(ParseProvisionEvent(*Event::Parse(*fx.log().Leaf(0)))->checkpoint.start_value == 1001);
}

TEST_CASE("Provisioning refuses a log that is not empty", "[anchor]") {
  World w;
  REQUIRE(w.fx.Open(Fast()).ok());
  AppendRequest(w.fx.log());
  const absl::Status s = w.fx.anchorer().Provision(w.tpm.Provision()).status();
  REQUIRE(s.code() == absl::StatusCode::kFailedPrecondition);
  REQUIRE(w.tpm.checkpoint_value() == 41);
}

TEST_CASE("A routine anchor covers every committed event and moves only the checkpoint counter",
          "[anchor]") {
  World w;
  Provision(w);
  const uint64_t seq = AppendRequest(w.fx.log());
  REQUIRE(w.fx.anchorer().AnchorNow(AnchorKind::kRoutine).ok());
  const LocatedAnchor a = RequireLastAnchorComplete(w);
  REQUIRE(a.seq == seq + 1);
  REQUIRE(a.statement == AnchorStatement{AnchorKind::kRoutine, 43, 8});
  REQUIRE(w.tpm.release().forwarded(tpm::FaultInjectingCounter::Op::kIncrement) == 1);
  REQUIRE(w.fx.anchorer().nv_writes().by_this_process == 3);
}

TEST_CASE("A release anchor moves the release counter once, then the checkpoint counter",
          "[anchor]") {
  World w;
  Provision(w);
  AppendRequest(w.fx.log());
  REQUIRE(w.fx.anchorer().AnchorNow(AnchorKind::kRelease).ok());
  REQUIRE(RequireLastAnchorComplete(w).statement ==
          AnchorStatement{AnchorKind::kRelease, 43, 9});
}

TEST_CASE("Concurrent callers share one anchor and one increment", "[anchor]") {
  World w;
  AnchorOptions o = Fast();
  o.min_interval = absl::Seconds(1);  // on the fake clock: holds the next anchor back
  Provision(w, o);
  REQUIRE(w.fx.anchorer().AnchorNow(AnchorKind::kRoutine).ok());
  const auto increments = [&] {
    return w.tpm.checkpoint().forwarded(tpm::FaultInjectingCounter::Op::kIncrement);
  };
  const int before = increments();
  constexpr int kCallers = 16;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kCallers; ++i) {
    threads.emplace_back([&, i] {
      Event e(EventType::kApproval);
      e.set_subject(absl::StrCat("req-", i));
      if (w.fx.log().Append(std::move(e)).ok() &&
          w.fx.anchorer().AnchorNow(AnchorKind::kRoutine).ok()) {
        ++ok;
      }
    });
  }
  while (w.fx.anchorer().waiting() < kCallers) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  w.clock.Advance(absl::Seconds(1));
  for (std::thread& t : threads) t.join();
  REQUIRE(ok == kCallers);
  REQUIRE(increments() == before + 1);
  REQUIRE(RequireLastAnchorComplete(w).seq == *w.fx.log().Size() - 1);
}

TEST_CASE("Waiting releases each move the release counter once", "[anchor]") {
  World w;
  AnchorOptions o = Fast();
  o.min_interval = absl::Seconds(1);
  Provision(w, o);
  REQUIRE(w.fx.anchorer().AnchorNow(AnchorKind::kRoutine).ok());
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      if (w.fx.anchorer().AnchorNow(i < 3 ? AnchorKind::kRelease : AnchorKind::kRoutine).ok()) ++ok;
    });
  }
  while (w.fx.anchorer().waiting() < 6) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  while (ok < 6) {
    w.clock.Advance(absl::Seconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  for (std::thread& t : threads) t.join();
  REQUIRE(w.tpm.release_value() == 8 + 3);
  REQUIRE(w.tpm.checkpoint_value() == 43 + 3);  // one anchor per release; routine rode along
}

TEST_CASE("The minimum interval holds an anchor back until it has passed", "[anchor]") {
  World w;
  AnchorOptions o = Fast();
  o.min_interval = absl::Minutes(5);
  Provision(w, o);
  REQUIRE(w.fx.anchorer().AnchorNow(AnchorKind::kRoutine).ok());
  std::atomic<bool> done{false};
  absl::Status result = absl::UnknownError("not run");
  std::thread t([&] {
    result = w.fx.anchorer().AnchorNow(AnchorKind::kRoutine);
    done = true;
  });
  while (w.fx.anchorer().waiting() < 1) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  REQUIRE_FALSE(done);  // the fake clock has not moved: it cannot have anchored
  w.clock.Advance(absl::Minutes(5));
  t.join();
  REQUIRE(result.ok());
}

TEST_CASE("A wall clock set back does not stall anchoring behind the minimum interval",
          "[anchor]") {
  World w;
  AnchorOptions o = Fast();
  o.min_interval = absl::Minutes(5);
  Provision(w, o);
  REQUIRE(w.fx.anchorer().AnchorNow(AnchorKind::kRoutine).ok());
  w.clock.Advance(absl::Minutes(5));
  REQUIRE(w.fx.anchorer().AnchorNow(AnchorKind::kRoutine).ok());
  w.clock.Advance(-absl::Hours(1));
  REQUIRE(w.fx.anchorer().AnchorNow(AnchorKind::kRoutine).ok());
  REQUIRE(w.fx.anchorer().anchors_completed() == 3);
}

TEST_CASE("Routine events are anchored once the oldest is max_routine_age old", "[anchor]") {
  World w;
  AnchorOptions o = Fast();
  o.max_routine_age = absl::Seconds(30);
  Provision(w, o);
  Event fetch(EventType::kFetch);
  const uint64_t seq = *w.fx.log().Append(std::move(fetch));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  REQUIRE(w.fx.anchorer().anchors_completed() == 0);  // fake clock: not old yet
  w.clock.Advance(absl::Seconds(30));
  while (w.fx.anchorer().anchors_completed() == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  REQUIRE(RequireLastAnchorComplete(w).seq == seq + 1);
  REQUIRE(w.fx.anchorer().background_status().ok());
}

TEST_CASE("NV writes are counted and the budget warning fires once per year", "[anchor]") {
  World w;
  std::vector<NvWriteStats> warnings;
  AnchorOptions o = Fast();
  o.yearly_nv_write_budget = 10;
  o.budget_warning_percent = 50;
  o.on_budget_warning = [&](const NvWriteStats& s) { warnings.push_back(s); };
  Provision(w, o);  // 2 writes
  for (int i = 0; i < 4; ++i) REQUIRE(w.fx.anchorer().AnchorNow(AnchorKind::kRoutine).ok());
  REQUIRE(w.fx.anchorer().nv_writes().since_genesis == 6);
  REQUIRE(warnings.size() == 1);
  REQUIRE(warnings[0].since_genesis == 5);
  w.clock.Advance(absl::Hours(24 * 366));
  for (int i = 0; i < 5; ++i) REQUIRE(w.fx.anchorer().AnchorNow(AnchorKind::kRoutine).ok());
  REQUIRE(warnings.size() == 2);
  REQUIRE(warnings[1].allowance == 20);
}

}  // namespace
}  // namespace breakglass::audit
