// The rollback clear on fakes: the statement, the `rollback_cleared` leaf,
// and Anchorer::ClearRollback — re-baselining to the TPM, refusals that
// change nothing, and a clear interrupted before its anchor.
#include "vault/audit/rollback_clear.h"

#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "vault/audit/anchor_test_world.h"
#include "vault/base/encoding.h"
#include "vault/crypto/sha256.h"

namespace breakglass::audit {
namespace {

using testing::AppendRequest;
using testing::Fast;
using testing::LastAnchor;
using testing::Message;
using testing::Provision;
using testing::RequireLastAnchorComplete;
using testing::World;

// Provisioned (genesis: checkpoint 42, release 8), then the counters moved
// outside breakglass to checkpoint 45, release 9; reopened: Start refuses.
void Rollback(World& w, AnchorStepHook hook = nullptr) {
  Provision(w);
  for (int i = 0; i < 3; ++i) REQUIRE(w.tpm.raw_checkpoint().Increment().ok());
  REQUIRE(w.tpm.raw_release().Increment().ok());
  REQUIRE(w.fx.Open(Fast(), std::move(hook)).ok());
  const absl::Status refused = w.fx.anchorer().Start().status();
  INFO(refused);
  REQUIRE(refused.code() == absl::StatusCode::kFailedPrecondition);
}

RollbackClearRecord RecordFor(const std::string& statement) {
  return {statement,
          2,
          {{"alice", "PEM-A", "SHA256:aa", "sig-a"}, {"bob", "PEM-B", "SHA256:bb", "sig-b"}}};
}

RollbackFacts FactsNow(World& w) {
  absl::StatusOr<RollbackFacts> facts = w.fx.anchorer().RollbackFactsNow();
  INFO(facts.status());
  REQUIRE(facts.ok());
  return *facts;
}

uint64_t Size(World& w) { return *w.fx.log().Size(); }

TEST_CASE("The statement names the log, its latest checkpoint and both counters",
          "[rollback_clear]") {
  World w;
  Rollback(w);
  const RollbackFacts facts = FactsNow(w);
  REQUIRE(facts.disagrees());
  const uint64_t size = Size(w);  // provision, genesis, rollback_alarm
  REQUIRE(size == 3);
  const std::string root = base::HexEncode(merkle::HashBytes(*w.fx.log().Root(size)));
  const std::string note = w.fx.log().LatestCheckpoint()->note;
  REQUIRE(facts.Statement() ==
          absl::StrCat("breakglass-rollback-clear-v1\n"
                       "origin: breakglass.test/anchor\n"
                       "log: size 3, root ",
                       root, "\n", "latest checkpoint: size 2, note sha256 ",
                       base::HexEncode(crypto::Sha256String(note)), "\n",
                       "counter release: log states 8, TPM holds 9; re-baseline counter "
                       "release to 9\n"
                       "counter checkpoint: log states 42, TPM holds 45; re-baseline counter "
                       "checkpoint to 45\n"));
  REQUIRE(facts.Baseline() == AnchorStatement{AnchorKind::kRoutine, 45, 9});
}

TEST_CASE("A clear re-baselines to the TPM and anchoring continues from it", "[rollback_clear]") {
  World w;
  Rollback(w);
  const RollbackFacts facts = FactsNow(w);
  const uint64_t clear_seq = Size(w);
  absl::StatusOr<StartupReport> report =
      w.fx.anchorer().ClearRollback(RecordFor(facts.Statement()));
  INFO(report.status());
  REQUIRE(report.ok());
  REQUIRE(report->actions.size() == 1);
  REQUIRE(report->actions[0].find("anchored rollback clear leaf") != std::string::npos);

  const Event clear = *Event::Parse(*w.fx.log().Leaf(clear_seq));
  REQUIRE(clear.type() == EventType::kRollbackCleared);
  REQUIRE(clear.actor() == "bob");
  REQUIRE(clear.fields().at("statement") == facts.Statement());
  REQUIRE(clear.fields().at("required_approvals") == 2);
  REQUIRE(clear.fields().at("approvals").size() == 2);
  REQUIRE(clear.fields().at("approvals")[0].at("signature") == base::Base64Encode("sig-a"));
  REQUIRE(clear.fields().at("counters").at("checkpoint").at("log_value") == 42);
  REQUIRE(clear.fields().at("counters").at("checkpoint").at("tpm_value") == 45);
  REQUIRE(*ParseRollbackClearedBaseline(clear) == AnchorStatement{AnchorKind::kRoutine, 45, 9});

  const LocatedAnchor a = RequireLastAnchorComplete(w);
  REQUIRE(a.seq == clear_seq + 1);
  REQUIRE(a.statement == AnchorStatement{AnchorKind::kRoutine, 46, 9});
  REQUIRE(!w.fx.anchorer().refusal().has_value());
  REQUIRE(w.fx.anchorer().Ready(AnchorKind::kRelease).ok());
  AppendRequest(w.fx.log());
  REQUIRE(w.fx.anchorer().AnchorNow(AnchorKind::kRelease).ok());
  REQUIRE(RequireLastAnchorComplete(w).statement == AnchorStatement{AnchorKind::kRelease, 47, 10});
  // A restart finds everything in step.
  REQUIRE(w.fx.Open(Fast()).ok());
  REQUIRE(w.fx.anchorer().Start().ok());
}

TEST_CASE("A clear for other numbers is refused and changes nothing", "[rollback_clear]") {
  World w;
  Rollback(w);
  RollbackFacts other = FactsNow(w);
  other.counters[1].tpm_value = 44;
  const uint64_t before = Size(w);
  const absl::Status s = w.fx.anchorer().ClearRollback(RecordFor(other.Statement())).status();
  INFO(s);
  REQUIRE(s.code() == absl::StatusCode::kFailedPrecondition);
  REQUIRE(Message(s).find("changed since the statement was made") != std::string::npos);
  REQUIRE(Size(w) == before);
  REQUIRE(w.fx.anchorer().refusal().has_value());
  REQUIRE(w.fx.anchorer().AnchorNow(AnchorKind::kRoutine).code() ==
          absl::StatusCode::kFailedPrecondition);
}

TEST_CASE("A counter moved after the statement was made refuses the clear", "[rollback_clear]") {
  World w;
  Rollback(w);
  const RollbackFacts facts = FactsNow(w);
  REQUIRE(w.tpm.raw_checkpoint().Increment().ok());
  const uint64_t before = Size(w);
  const absl::Status s = w.fx.anchorer().ClearRollback(RecordFor(facts.Statement())).status();
  REQUIRE(s.code() == absl::StatusCode::kFailedPrecondition);
  REQUIRE(Size(w) == before);
  REQUIRE(w.fx.anchorer().refusal().has_value());
}

TEST_CASE("A record short of its required approvals is refused", "[rollback_clear]") {
  World w;
  Rollback(w);
  RollbackClearRecord record = RecordFor(FactsNow(w).Statement());
  record.approvals.pop_back();
  const uint64_t before = Size(w);
  REQUIRE(w.fx.anchorer().ClearRollback(record).status().code() ==
          absl::StatusCode::kInvalidArgument);
  REQUIRE(Size(w) == before);
  REQUIRE(w.fx.anchorer().refusal().has_value());
}

TEST_CASE("Without an alarm from the start-up check there is nothing to clear",
          "[rollback_clear]") {
  World w;
  Provision(w);
  REQUIRE(w.fx.anchorer().RollbackFactsNow().status().code() ==
          absl::StatusCode::kFailedPrecondition);
  REQUIRE(w.fx.anchorer().ClearRollback(RecordFor("x")).status().code() ==
          absl::StatusCode::kFailedPrecondition);
}

TEST_CASE("A clear interrupted before its anchor is anchored by the next start",
          "[rollback_clear]") {
  World w;
  bool crash = false;
  Rollback(w, [&](AnchorStep step) {
    if (crash && step == AnchorStep::kBeforeEventCommit) return absl::AbortedError("crash");
    return absl::OkStatus();
  });
  const uint64_t clear_seq = Size(w);
  crash = true;
  REQUIRE(!w.fx.anchorer().ClearRollback(RecordFor(FactsNow(w).Statement())).ok());
  REQUIRE(LastAnchor(w).baseline);
  REQUIRE(LastAnchor(w).seq == clear_seq);

  REQUIRE(w.fx.Open(Fast()).ok());
  absl::StatusOr<StartupReport> report = w.fx.anchorer().Start();
  INFO(report.status());
  REQUIRE(report.ok());
  REQUIRE(RequireLastAnchorComplete(w).statement == AnchorStatement{AnchorKind::kRoutine, 46, 9});
}

TEST_CASE("A counter moved after a clear, before its anchor, alarms again", "[rollback_clear]") {
  World w;
  bool crash = false;
  Rollback(w, [&](AnchorStep step) {
    if (crash && step == AnchorStep::kBeforeEventCommit) return absl::AbortedError("crash");
    return absl::OkStatus();
  });
  crash = true;
  REQUIRE(!w.fx.anchorer().ClearRollback(RecordFor(FactsNow(w).Statement())).ok());
  REQUIRE(w.tpm.raw_release().Increment().ok());
  REQUIRE(w.fx.Open(Fast()).ok());
  const absl::Status s = w.fx.anchorer().Start().status();
  INFO(s);
  REQUIRE(s.code() == absl::StatusCode::kFailedPrecondition);
  REQUIRE(Message(s).find("TPM release counter is 10 but the audit log states 9") !=
          std::string::npos);
}

}  // namespace
}  // namespace breakglass::audit
