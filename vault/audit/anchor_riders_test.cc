// Anchorer::CommitAndAnchor on fakes: callers' units ride the anchor's step-1
// transaction (one durable commit for the state change and the `anchor` leaf)
// and the results are those of Run followed by AnchorNow.
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"
#include "vault/audit/anchor.h"
#include "vault/audit/anchor_test_world.h"

namespace breakglass::audit {
namespace {

using testing::Fast;
using testing::Message;
using testing::Provision;
using testing::RequireLastAnchorComplete;
using testing::World;

// A unit appending one event about `subject`, failing with `fail` if set.
store::Unit AppendUnit(AuditLog& log, std::string subject, absl::Status fail = absl::OkStatus()) {
  return [&log, subject, fail](store::Txn& txn) -> absl::Status {
    Event e(EventType::kApproval);
    e.set_actor("bob").set_subject(subject);
    absl::StatusOr<uint64_t> seq = log.Append(txn, std::move(e));
    if (!seq.ok()) return seq.status();
    return fail;
  };
}

std::vector<std::string> Subjects(World& w) {
  std::vector<std::string> out;
  for (uint64_t i = 0; i < *w.fx.log().Size(); ++i) {
    out.push_back(Event::Parse(*w.fx.log().Leaf(i))->subject());
  }
  return out;
}

TEST_CASE("A unit rides the anchor's first commit and is covered by it", "[anchor]") {
  World w;
  Provision(w);
  const uint64_t txns = w.fx.runner().stats().transactions;
  const AnchoredCommit done =
      w.fx.anchorer().CommitAndAnchor(AnchorKind::kRelease, AppendUnit(w.fx.log(), "req-1"));
  REQUIRE(done.committed.ok());
  REQUIRE(done.anchored.ok());
  // Unit + anchor leaf in one transaction, checkpoint + evidence in another.
  REQUIRE(w.fx.runner().stats().transactions == txns + 2);
  const LocatedAnchor a = RequireLastAnchorComplete(w);
  REQUIRE(a.statement == AnchorStatement{AnchorKind::kRelease, 43, 9});
  REQUIRE(Event::Parse(*w.fx.log().Leaf(a.seq - 1))->subject() == "req-1");
}

TEST_CASE("A failing unit is rolled back alone and moves no release counter", "[anchor]") {
  World w;
  Provision(w);
  const uint64_t size = *w.fx.log().Size();
  const AnchoredCommit done = w.fx.anchorer().CommitAndAnchor(
      AnchorKind::kRelease,
      AppendUnit(w.fx.log(), "req-1", absl::AbortedError("request changed; submit it again")));
  REQUIRE(done.committed.code() == absl::StatusCode::kAborted);
  REQUIRE(Message(done.committed) == "request changed; submit it again");
  // The anchor itself went ahead as a routine one: its leaf only.
  REQUIRE(*w.fx.log().Size() == size + 1);
  REQUIRE(RequireLastAnchorComplete(w).statement == AnchorStatement{AnchorKind::kRoutine, 43, 8});
  REQUIRE(w.tpm.release_value() == 8);
}

TEST_CASE("Units waiting together ride one anchor, each kept or undone alone", "[anchor]") {
  World w;
  AnchorOptions o = Fast();
  o.min_interval = absl::Seconds(1);  // on the fake clock: gathers the callers
  Provision(w, o);
  REQUIRE(w.fx.anchorer().AnchorNow(AnchorKind::kRoutine).ok());
  const int increments = w.tpm.checkpoint().forwarded(tpm::FaultInjectingCounter::Op::kIncrement);
  constexpr int kCallers = 6;
  std::vector<AnchoredCommit> results(kCallers);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCallers; ++i) {
    threads.emplace_back([&, i] {
      const absl::Status fail =
          i == 2 ? absl::FailedPreconditionError("refused") : absl::OkStatus();
      results[i] = w.fx.anchorer().CommitAndAnchor(
          AnchorKind::kRoutine, AppendUnit(w.fx.log(), absl::StrCat("req-", i), fail));
    });
  }
  while (w.fx.anchorer().waiting() < kCallers)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  w.clock.Advance(absl::Seconds(1));
  for (std::thread& t : threads) t.join();
  for (int i = 0; i < kCallers; ++i) {
    INFO(i);
    REQUIRE(results[i].committed.ok() == (i != 2));
    if (i != 2) REQUIRE(results[i].anchored.ok());
  }
  REQUIRE(w.tpm.checkpoint().forwarded(tpm::FaultInjectingCounter::Op::kIncrement) ==
          increments + 1);
  const std::vector<std::string> subjects = Subjects(w);
  REQUIRE(std::count(subjects.begin(), subjects.end(), "req-2") == 0);
  REQUIRE(RequireLastAnchorComplete(w).seq == subjects.size() - 1);
  REQUIRE(subjects.size() == 2 + 1 + (kCallers - 1) + 1);  // genesis, anchor, riders, anchor
}

TEST_CASE("A refusing anchorer commits the unit alone and reports the refusal", "[anchor]") {
  World w;
  Provision(w);
  REQUIRE(w.tpm.raw_checkpoint().Increment().ok());  // moved outside breakglass
  REQUIRE(w.fx.anchorer().AnchorNow(AnchorKind::kRoutine).code() ==
          absl::StatusCode::kFailedPrecondition);
  const AnchoredCommit done =
      w.fx.anchorer().CommitAndAnchor(AnchorKind::kRoutine, AppendUnit(w.fx.log(), "req-9"));
  REQUIRE(done.committed.ok());
  REQUIRE(done.anchored.code() == absl::StatusCode::kFailedPrecondition);
  REQUIRE(Message(done.anchored).find("rollback:") != std::string::npos);
  REQUIRE(Subjects(w).back() == "req-9");
}

TEST_CASE("An anchor that cannot recover still commits the unit, unanchored", "[anchor]") {
  World w;
  Provision(w);
  w.signer.faults().FailAlways(absl::FailedPreconditionError("token logged out"));
  REQUIRE_FALSE(w.fx.anchorer().AnchorNow(AnchorKind::kRoutine).ok());  // step 3 failed
  w.tpm.checkpoint().SetDown(absl::UnavailableError("swtpm: connection refused"));
  w.signer.faults().Clear();
  const uint64_t size = *w.fx.log().Size();
  const AnchoredCommit done =
      w.fx.anchorer().CommitAndAnchor(AnchorKind::kRelease, AppendUnit(w.fx.log(), "req-3"));
  REQUIRE(done.committed.ok());
  REQUIRE(done.anchored.code() == absl::StatusCode::kUnavailable);
  REQUIRE(*w.fx.log().Size() == size + 1);  // the unit, no new anchor leaf
  w.tpm.checkpoint().SetDown(absl::OkStatus());
  REQUIRE(w.fx.anchorer().AnchorNow(AnchorKind::kRoutine).ok());
  REQUIRE(RequireLastAnchorComplete(w).seq == size + 1);
}

}  // namespace
}  // namespace breakglass::audit
