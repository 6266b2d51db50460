// Anchorer on fakes: a crash at every step (simulated by aborting there and
// reopening), interrupted anchors finished, fail-closed errors, rollback and
// tamper refusals.
#include "vault/audit/anchor.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>

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

// ---- crashes: abort at each step, reopen, start-up check ----

struct CrashPoint {
  AnchorStep step;
  int occurrence;  // which time the step is reached in the anchor (1-based)
};

absl::Status Crashed(AnchorStep step) {
  return absl::AbortedError(absl::StrCat("simulated crash at ", std::string(AnchorStepName(step))));
}

TEST_CASE("A crash at any step of an anchor is finished at start-up without an alarm",
          "[anchor]") {
  const std::vector<CrashPoint> points = {
      {AnchorStep::kBeforeEventCommit, 1}, {AnchorStep::kEventCommitted, 1},
      {AnchorStep::kCounterIncremented, 1}, {AnchorStep::kCounterIncremented, 2},
      {AnchorStep::kCheckpointSigned, 1},  {AnchorStep::kCountersCertified, 1},
      {AnchorStep::kEvidenceStored, 1}};
  for (AnchorKind kind : {AnchorKind::kRoutine, AnchorKind::kRelease}) {
    for (const CrashPoint& p : points) {
      if (kind == AnchorKind::kRoutine && p.occurrence == 2) continue;
      DYNAMIC_SECTION(AnchorKindName(kind) << " at " << AnchorStepName(p.step) << "#"
                                           << p.occurrence) {
        World w;
        Provision(w);
        const uint64_t committed = AppendRequest(w.fx.log());
        auto seen = std::make_shared<std::atomic<int>>(0);
        AnchorStepHook hook = [p, seen](AnchorStep s) -> absl::Status {
          if (s == p.step && ++*seen == p.occurrence) return Crashed(s);
          return absl::OkStatus();
        };
        REQUIRE(w.fx.Open(Fast(), hook).ok());
        REQUIRE(w.fx.anchorer().Start().ok());
        REQUIRE(w.fx.anchorer().AnchorNow(kind).code() == absl::StatusCode::kAborted);

        REQUIRE(w.fx.Open(Fast()).ok());
        absl::StatusOr<StartupReport> report = w.fx.anchorer().Start();
        INFO(report.status());
        REQUIRE(report.ok());
        REQUIRE_FALSE(w.fx.anchorer().refusal().has_value());
        const LocatedAnchor a = RequireLastAnchorComplete(w);
        const bool anchored = p.step != AnchorStep::kBeforeEventCommit;
        REQUIRE(a.seq == (anchored ? committed + 1 : 1));
        REQUIRE(Event::Parse(*w.fx.log().Leaf(committed))->subject() == "req-1");
        // And anchoring carries on from there.
        REQUIRE(w.fx.anchorer().AnchorNow(kind).ok());
        REQUIRE(RequireLastAnchorComplete(w).statement.checkpoint_counter ==
                a.statement.checkpoint_counter + 1);
      }
    }
  }
}

TEST_CASE("A failed anchor is finished before the next one, in the same process", "[anchor]") {
  World w;
  Provision(w);
  AppendRequest(w.fx.log());
  w.signer.faults().FailAlways(absl::FailedPreconditionError("token logged out"));
  const absl::Status down = w.fx.anchorer().AnchorNow(AnchorKind::kRelease);
  REQUIRE(down.code() == absl::StatusCode::kFailedPrecondition);
  REQUIRE(Message(down).find("hsm (log signer)") != std::string::npos);
  REQUIRE(w.tpm.release_value() == 9);  // step 2 happened; step 3 did not
  w.signer.faults().Clear();
  REQUIRE(w.fx.anchorer().AnchorNow(AnchorKind::kRoutine).ok());
  REQUIRE(RequireLastAnchorComplete(w).statement == AnchorStatement{AnchorKind::kRoutine, 44, 9});
  REQUIRE(w.fx.log().CheckpointAt(4).ok());  // the interrupted release anchor's checkpoint
  REQUIRE(w.fx.log().AnchorEvidenceAt(4)->size() == 2);
}

TEST_CASE("A lost increment answer is recognised as done, not repeated", "[anchor]") {
  World w;
  Provision(w);
  w.tpm.checkpoint().LoseNextIncrementResponses(1);
  const absl::Status s = w.fx.anchorer().AnchorNow(AnchorKind::kRoutine);
  REQUIRE(s.code() == absl::StatusCode::kUnavailable);
  REQUIRE(Message(s).find("tpm (checkpoint counter)") != std::string::npos);
  REQUIRE(w.fx.anchorer().AnchorNow(AnchorKind::kRoutine).ok());
  REQUIRE(RequireLastAnchorComplete(w).statement.checkpoint_counter == 44);
  REQUIRE_FALSE(w.fx.anchorer().refusal().has_value());
}

TEST_CASE("TPM trouble fails closed, naming the TPM, and Ready says so first", "[anchor]") {
  World w;
  Provision(w);
  w.tpm.release().SetDown(absl::UnavailableError("swtpm: connection refused"));
  const absl::Status ready = w.fx.anchorer().Ready(AnchorKind::kRelease);
  REQUIRE(ready.code() == absl::StatusCode::kUnavailable);
  REQUIRE(Message(ready).find("tpm (release counter)") != std::string::npos);
  REQUIRE(w.fx.anchorer().Ready(AnchorKind::kRoutine).ok());
  const absl::Status s = w.fx.anchorer().AnchorNow(AnchorKind::kRelease);
  REQUIRE(s.code() == absl::StatusCode::kUnavailable);
  REQUIRE(Message(s).find("tpm (release counter)") != std::string::npos);
}

// ---- rollback and tampering ----

void RequireRefusing(World& w, std::string_view counter, uint64_t log_value, uint64_t tpm_value,
                     const absl::Status& s) {
  INFO(s);
  REQUIRE(s.code() == absl::StatusCode::kFailedPrecondition);
  REQUIRE(Message(s).find(absl::StrCat("TPM ", std::string(counter), " counter is ", tpm_value,
                                       " but the audit log states ", log_value)) !=
          std::string::npos);
  REQUIRE(w.fx.anchorer().Ready(AnchorKind::kRelease).code() ==
          absl::StatusCode::kFailedPrecondition);
  REQUIRE(w.fx.anchorer().AnchorNow(AnchorKind::kRelease).code() ==
          absl::StatusCode::kFailedPrecondition);
  const std::string last = *w.fx.log().Leaf(*w.fx.log().Size() - 1);
  const Event alarm = *Event::Parse(last);
  REQUIRE(alarm.type() == EventType::kRollbackAlarm);
  REQUIRE(alarm.fields().at("log_value") == log_value);
  REQUIRE(alarm.fields().at("tpm_value") == tpm_value);
}

TEST_CASE("A restored stale copy of the store is refused at start-up", "[anchor]") {
  World w;
  Provision(w);
  w.fx.Close();
  const std::string stale = w.fx.dir().File("stale");
  std::filesystem::create_directory(stale);
  for (const char* f : {"state.db", "state.db-wal"}) {
    if (std::filesystem::exists(w.fx.dir().File(f))) {
      std::filesystem::copy_file(w.fx.dir().File(f), stale + "/" + f);
    }
  }
  REQUIRE(w.fx.Open(Fast()).ok());
  REQUIRE(w.fx.anchorer().Start().ok());
  AppendRequest(w.fx.log());
  REQUIRE(w.fx.anchorer().AnchorNow(AnchorKind::kRelease).ok());
  w.fx.Close();
  for (const char* f : {"state.db", "state.db-wal", "state.db-shm"}) {
    std::filesystem::remove(w.fx.dir().File(f));
    if (std::filesystem::exists(stale + "/" + f)) {
      std::filesystem::copy_file(stale + "/" + f, w.fx.dir().File(f));
    }
  }
  REQUIRE(w.fx.Open(Fast()).ok());
  const absl::Status s = w.fx.anchorer().Start().status();
  RequireRefusing(w, "release", 8, 9, s);
}

TEST_CASE("A counter moved outside breakglass is refused at start-up", "[anchor]") {
  World w;
  Provision(w);
  REQUIRE(w.tpm.raw_checkpoint().Increment().ok());
  REQUIRE(w.fx.Open(Fast()).ok());
  RequireRefusing(w, "checkpoint", 42, 43, w.fx.anchorer().Start().status());
}

TEST_CASE("A counter behind the log by more than one step is refused", "[anchor]") {
  World w;
  Provision(w);
  // The release NV index was replaced by one at 5.
  std::unique_ptr<tpm::FakeCounter> replaced = w.tpm.MakeCounter("release", 0x01500011, 5);
  w.fx.SetCounters(&w.tpm.checkpoint(), replaced.get());
  REQUIRE(w.fx.Open(Fast()).ok());
  RequireRefusing(w, "release", 8, 5, w.fx.anchorer().Start().status());
}

TEST_CASE("A counter moved outside breakglass while running raises the alarm", "[anchor]") {
  World w;
  std::vector<CounterDisagreement> alarms;
  AnchorOptions o = Fast();
  o.on_rollback_alarm = [&](const CounterDisagreement& d) { alarms.push_back(d); };
  Provision(w, o);
  REQUIRE(w.tpm.raw_checkpoint().Increment().ok());
  const absl::Status s = w.fx.anchorer().AnchorNow(AnchorKind::kRoutine);
  RequireRefusing(w, "checkpoint", 43, 44, s);
  REQUIRE(alarms.size() == 1);
  REQUIRE(alarms[0].problem == RollbackProblem::kIncrementMismatch);
}

TEST_CASE("A store whose tree no longer matches the signed checkpoint is never signed",
          "[anchor]") {
  World w;
  Provision(w);
  w.fx.Close();
  {
    // Rewrite the stored hashes of leaves 0..1, as an attacker editing the file
    // would; the tree of size 2 then has another root than the one signed.
    auto runner = store::TransactionRunner::Open(w.fx.db_path(), AuditLog::Migrations());
    REQUIRE(runner.ok());
    REQUIRE((*runner)
                ->Run([](store::Txn& txn) {
                  return txn.Exec("UPDATE audit_leaves SET hashes = zeroblob(length(hashes))");
                })
                .ok());
  }
  REQUIRE(w.fx.Open(Fast()).ok());
  const int64_t signatures = w.signer.faults().forwarded();
  const absl::Status s = w.fx.anchorer().Start().status();
  INFO(s);
  REQUIRE(s.code() == absl::StatusCode::kDataLoss);
  REQUIRE(Message(s).find("does not extend the signed checkpoint of size 2") != std::string::npos);
  REQUIRE(w.fx.anchorer().AnchorNow(AnchorKind::kRoutine).code() ==
          absl::StatusCode::kFailedPrecondition);
  REQUIRE(w.signer.faults().forwarded() == signatures);
}

TEST_CASE("Evidence an auditor would reject is never stored", "[anchor]") {
  World w;
  REQUIRE(w.fx.Open(Fast()).ok());
  ProvisionRequest wrong_ak = w.tpm.Provision();
  wrong_ak.ak_public_key_pem = (*tpm::FakeAttestationKey::Generate())->PublicKeyPem();
  const absl::Status s = w.fx.anchorer().Provision(wrong_ak).status();
  INFO(s);
  REQUIRE(s.code() == absl::StatusCode::kPermissionDenied);
  REQUIRE(Message(s).find("does not verify with the AK and NV Name recorded at provisioning") !=
          std::string::npos);
  REQUIRE(w.fx.log().LatestCheckpoint().status().code() == absl::StatusCode::kNotFound);
  REQUIRE(w.fx.anchorer().AnchorNow(AnchorKind::kRoutine).code() ==
          absl::StatusCode::kFailedPrecondition);
}

TEST_CASE("Start refuses an unprovisioned log", "[anchor]") {
  World w;
  REQUIRE(w.fx.Open(Fast()).ok());
  REQUIRE(w.fx.anchorer().Start().status().code() == absl::StatusCode::kFailedPrecondition);
  REQUIRE(w.fx.anchorer().AnchorNow(AnchorKind::kRoutine).code() ==
          absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace breakglass::audit
