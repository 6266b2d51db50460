// Anchorer and AnchorProtocol on fakes: the protocol's steps, group commit,
// crash at every step (simulated by aborting there and reopening), rollback
// and tamper refusals, fail-closed errors, routine age and the write budget.
#include "vault/audit/anchor.h"

#include <catch2/catch.hpp>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "vault/audit/anchor_test_util.h"
#include "tpm/evidence/verifier.h"
#include "vault/merkle/checkpoint.h"

namespace breakglass::audit {
namespace {

using testing::AnchorFixture;
using testing::TestTpm;

struct World {
  base::FakeClock clock{absl::FromUnixSeconds(1'800'000'000)};
  TestTpm tpm{41, 7};
  std::unique_ptr<hsm::FakeLogSigner> log_key = *hsm::FakeLogSigner::Create();
  hsm::FaultInjectingLogSigner signer{log_key.get()};
  AnchorFixture fx{&tpm.checkpoint(), &tpm.release(), &signer, &clock};
};

AnchorOptions Fast() {
  AnchorOptions o;
  o.min_interval = absl::ZeroDuration();
  o.tick = absl::Milliseconds(5);
  return o;
}

uint64_t AppendRequest(AuditLog& log, std::string subject = "req-1") {
  Event e(EventType::kRequest);
  e.set_actor("alice").set_subject(std::move(subject));
  absl::StatusOr<uint64_t> seq = log.Append(std::move(e));
  REQUIRE(seq.ok());
  return *seq;
}

void Provision(World& w, AnchorOptions options = Fast()) {
  REQUIRE(w.fx.Open(std::move(options)).ok());
  absl::StatusOr<StartupReport> report = w.fx.anchorer().Provision(w.tpm.Provision());
  INFO(report.status());
  REQUIRE(report.ok());
}

LocatedAnchor LastAnchor(World& w) {
  std::optional<LocatedAnchor> last;
  REQUIRE(w.fx.runner()
              .Read([&](store::Txn& txn) -> absl::Status {
                auto found = FindLastAnchor(w.fx.log(), txn);
                if (!found.ok()) return found.status();
                last = *found;
                return absl::OkStatus();
              })
              .ok());
  REQUIRE(last.has_value());
  return *last;
}

// The last anchor is complete: its checkpoint is the latest, verifies, and
// each counter it moves is certified at the stated value over SHA-256(body).
LocatedAnchor RequireLastAnchorComplete(World& w) {
  const LocatedAnchor a = LastAnchor(w);
  absl::StatusOr<StoredCheckpoint> cp = w.fx.log().LatestCheckpoint();
  REQUIRE(cp.ok());
  REQUIRE(cp->size == a.checkpoint_size());
  absl::StatusOr<merkle::Checkpoint> opened =
      merkle::OpenCheckpoint(cp->note, w.fx.anchorer().verifier());
  REQUIRE(opened.ok());
  REQUIRE(*opened->root.data() == *w.fx.log().Root(cp->size)->data());
  const std::string qd = CheckpointQualifyingData(*CheckpointBodyOfNote(cp->note));
  absl::StatusOr<std::vector<AnchorEvidence>> ev = w.fx.log().AnchorEvidenceAt(cp->size);
  REQUIRE(ev.ok());
  REQUIRE(ev->size() == (a.statement.moves_release() ? 2u : 1u));
  absl::StatusOr<tpm::EvidenceVerifier> verifier =
      tpm::EvidenceVerifier::Create(w.tpm.ak()->PublicKeyPem());
  REQUIRE(verifier.ok());
  for (const AnchorEvidence& e : *ev) {
    REQUIRE(e.value == a.statement.ValueOf(e.counter));
    const std::string name = e.counter == "release" ? w.tpm.raw_release().WrittenIndexName()
                                                    : w.tpm.raw_checkpoint().WrittenIndexName();
    absl::StatusOr<tpm::CertifiedCounter> c = verifier->Verify({e.attest, e.signature}, name);
    REQUIRE(c.ok());
    REQUIRE(c->value == e.value);
    REQUIRE(c->qualifying_data == qd);
  }
  REQUIRE(w.tpm.checkpoint_value() == a.statement.checkpoint_counter);
  REQUIRE(w.tpm.release_value() == a.statement.release_counter);
  return a;
}

std::string Message(const absl::Status& s) { return std::string(s.message()); }

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
