#include "vault/audit/log.h"

#include <catch2/catch.hpp>
#include <latch>
#include <random>
#include <set>
#include <thread>

#include "vault/merkle/checkpoint.h"
#include "vault/merkle/memory_subtree_store.h"
#include "vault/merkle/verify.h"
#include "vault/store/testing/temp_dir.h"

namespace breakglass::audit {
namespace {

using store::Txn;

std::vector<store::sqlite::Migration> Schema() {
  auto steps = AuditLog::Migrations();
  steps.push_back({"test", 1,
                   "CREATE TABLE requests(id TEXT PRIMARY KEY, state TEXT NOT NULL);"
                   "CREATE TABLE parent(id INTEGER PRIMARY KEY);"
                   "CREATE TABLE child(pid INTEGER REFERENCES parent(id) "
                   "DEFERRABLE INITIALLY DEFERRED);"});
  return steps;
}

// A log on a fresh database in a temp dir; Reopen() simulates a restart.
struct Fixture {
  store::testing::TempDir dir;
  base::FakeClock clock{absl::FromUnixMillis(1764334370000)};
  std::unique_ptr<store::TransactionRunner> runner;
  std::unique_ptr<AuditLog> log;

  Fixture() { Reopen(); }
  void Reopen() {
    log.reset();
    runner.reset();
    auto r = store::TransactionRunner::Open(dir.File("state.db"), Schema());
    REQUIRE(r.ok());
    runner = std::move(*r);
    auto l = AuditLog::Create(runner.get(), &clock);
    REQUIRE(l.ok());
    log = std::move(*l);
  }
};

Event Ev(int i) {
  Event e(EventType::kApproval);
  e.set_actor("custodian:" + std::to_string(i % 7)).set_subject("request:" + std::to_string(i));
  e.Set("n", i);
  return e;
}

// The in-memory reference tree over the same leaf bytes.
struct Reference {
  merkle::Frontier frontier;
  merkle::InMemorySubtreeStore store;
  void Add(const std::string& leaf) {
    std::vector<merkle::Subtree> done;
    REQUIRE(frontier.Append(merkle::HashLeaf(leaf), &done).ok());
    REQUIRE(store.PutAll(done).ok());
  }
};

Reference ReferenceOf(AuditLog& log) {
  Reference ref;
  const auto leaves = log.Leaves(0, *log.Size());
  REQUIRE(leaves.ok());
  for (const std::string& leaf : *leaves) ref.Add(leaf);
  return ref;
}

void AppendN(Fixture& f, int n) {
  std::vector<store::Unit> units;
  for (int i = 0; i < n; ++i) {
    units.push_back([&f, i](Txn& txn) { return f.log->Append(txn, Ev(i)).status(); });
  }
  for (auto& fut : f.runner->SubmitAll(std::move(units))) REQUIRE(fut.get().ok());
}

TEST_CASE("Append numbers leaves from 0 and stores exactly the canonical bytes", "[log]") {
  Fixture f;
  REQUIRE(*f.log->Size() == 0);
  REQUIRE(*f.log->Root(0) == merkle::EmptyRoot());
  for (uint64_t i = 0; i < 3; ++i) {
    f.clock.Advance(absl::Milliseconds(5));
    REQUIRE(*f.log->Append(Ev(static_cast<int>(i))) == i);
  }
  REQUIRE(*f.log->Size() == 3);
  const auto leaf = f.log->Leaf(2);
  REQUIRE(leaf.ok());
  Event expected = Ev(2);
  expected.set_seq(2).set_time(f.clock.Now());
  REQUIRE(*leaf == *expected.Canonical());
  REQUIRE(f.log->Leaf(3).status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("A state change and its event commit together or not at all", "[log]") {
  Fixture f;
  auto unit = [&](std::string id, bool fail) -> store::Unit {
    return [&f, id, fail](Txn& txn) -> absl::Status {
      auto stmt = txn.Prepare("INSERT INTO requests(id, state) VALUES (?, 'pending')");
      if (!stmt.ok()) return stmt.status();
      (*stmt)->BindText(1, id);
      if (absl::Status s = (*stmt)->Run(); !s.ok()) return s;
      Event e(EventType::kRequest);
      e.set_subject(id);
      if (auto seq = f.log->Append(txn, std::move(e)); !seq.ok()) return seq.status();
      return fail ? absl::PermissionDeniedError("policy refused") : absl::OkStatus();
    };
  };
  std::vector<store::Unit> units;
  units.push_back(unit("r1", false));
  units.push_back(unit("r2", true));  // writes both, then fails: neither may remain
  units.push_back(unit("r3", false));
  auto results = f.runner->SubmitAll(std::move(units));
  REQUIRE(results[0].get().ok());
  REQUIRE(results[1].get().code() == absl::StatusCode::kPermissionDenied);
  REQUIRE(results[2].get().ok());

  REQUIRE(*f.log->Size() == 2);  // gap-free: r3's event took seq 1
  REQUIRE(Event::Parse(*f.log->Leaf(1))->subject() == "r3");
  int64_t rows = 0;
  REQUIRE(f.runner
              ->Read([&](Txn& txn) {
                rows = *txn.QueryInt64("SELECT count(*) FROM requests");
                return absl::OkStatus();
              })
              .ok());
  REQUIRE(rows == 2);
  // The tree is the tree of exactly the stored leaves.
  REQUIRE(*f.log->Root(2) == ReferenceOf(*f.log).frontier.Root());
}

TEST_CASE("When a batch's commit fails, its events vanish and numbering resumes", "[log]") {
  Fixture f;
  AppendN(f, 3);
  std::vector<store::Unit> units;
  units.push_back([&](Txn& txn) { return f.log->Append(txn, Ev(10)).status(); });
  units.push_back([&](Txn& txn) -> absl::Status {
    if (auto s = f.log->Append(txn, Ev(11)); !s.ok()) return s.status();
    return txn.Exec("INSERT INTO child(pid) VALUES (99)");  // fails at COMMIT
  });
  for (auto& r : f.runner->SubmitAll(std::move(units))) REQUIRE_FALSE(r.get().ok());
  REQUIRE(*f.log->Size() == 3);
  REQUIRE(*f.log->Append(Ev(12)) == 3);
  REQUIRE(*f.log->Root(4) == ReferenceOf(*f.log).frontier.Root());
}

TEST_CASE("An invalid event writes nothing and takes no number", "[log]") {
  Fixture f;
  Event bad(EventType::kRequest);
  bad.Set("ratio", 0.5);
  REQUIRE(f.log->Append(std::move(bad)).status().code() == absl::StatusCode::kInvalidArgument);
  REQUIRE(*f.log->Append(Ev(0)) == 0);
}

TEST_CASE("16 threads appending concurrently get a gap-free sequence in few commits", "[log]") {
  Fixture f;
  constexpr int kThreads = 16, kPerThread = 25;
  // Hold the writer until every thread has queued its first append, so at
  // least one batch provably carries 16 appends.
  std::latch started(1), release(1);
  auto blocker = f.runner->Submit([&](Txn&) {
    started.count_down();
    release.wait();
    return absl::OkStatus();
  });
  started.wait();
  std::vector<std::vector<uint64_t>> seqs(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto seq = f.log->Append(Ev(t * 1000 + i));
        if (seq.ok()) seqs[t].push_back(*seq);
      }
    });
  }
  while (f.runner->QueueDepth() < kThreads) std::this_thread::yield();
  release.count_down();
  for (auto& th : threads) th.join();
  REQUIRE(blocker.get().ok());

  std::set<uint64_t> all;
  for (const auto& v : seqs) {
    REQUIRE(v.size() == kPerThread);
    REQUIRE(std::is_sorted(v.begin(), v.end()));  // each thread's own order holds
    all.insert(v.begin(), v.end());
  }
  constexpr uint64_t kTotal = kThreads * kPerThread;
  REQUIRE(all.size() == kTotal);
  REQUIRE(*all.rbegin() == kTotal - 1);  // 0..kTotal-1, no gaps, no duplicates
  REQUIRE(*f.log->Size() == kTotal);
  const auto stats = f.runner->stats();
  REQUIRE(stats.units_committed == kTotal + 1);
  REQUIRE(stats.transactions < kTotal);
  for (uint64_t i = 0; i < kTotal; ++i) REQUIRE(Event::Parse(*f.log->Leaf(i))->seq() == i);
  REQUIRE(*f.log->Root(kTotal) == ReferenceOf(*f.log).frontier.Root());
}

TEST_CASE("Roots and proofs from storage equal the in-memory tree's and verify", "[log]") {
  Fixture f;
  constexpr uint64_t kN = 70;
  AppendN(f, kN);
  Reference ref = ReferenceOf(*f.log);
  std::vector<merkle::Hash> leaf_hashes;
  const auto leaves = f.log->Leaves(0, kN);
  for (const std::string& leaf : *leaves) leaf_hashes.push_back(merkle::HashLeaf(leaf));
  for (uint64_t n = 1; n <= kN; ++n) {
    const merkle::Hash root = *f.log->Root(n);
    REQUIRE(root == *merkle::RootAt(n, ref.store));
    for (uint64_t i = 0; i < n; ++i) {
      const auto proof = f.log->InclusionProof(i, n);
      REQUIRE(proof.ok());
      REQUIRE(*proof == *merkle::InclusionProof(i, n, ref.store));
      REQUIRE(merkle::VerifyInclusion(i, n, leaf_hashes[i], *proof, root).ok());
    }
    for (uint64_t m = 1; m <= n; ++m) {
      const auto proof = f.log->ConsistencyProof(m, n);
      REQUIRE(proof.ok());
      REQUIRE(*proof == *merkle::ConsistencyProof(m, n, ref.store));
      REQUIRE(merkle::VerifyConsistency(m, n, *f.log->Root(m), root, *proof).ok());
    }
  }
  REQUIRE(f.log->Root(kN + 1).status().code() == absl::StatusCode::kOutOfRange);
  REQUIRE(f.log->InclusionProof(0, kN + 1).status().code() == absl::StatusCode::kOutOfRange);
  REQUIRE(f.log->InclusionProof(kN, kN).status().code() == absl::StatusCode::kInvalidArgument);
  REQUIRE(f.log->ConsistencyProof(2, kN + 1).status().code() == absl::StatusCode::kOutOfRange);
}

TEST_CASE("Proofs on a larger log match the reference at random points", "[log]") {
  Fixture f;
  constexpr uint64_t kN = 1500;
  for (int round = 0; round < 3; ++round) AppendN(f, kN / 3);
  Reference ref = ReferenceOf(*f.log);
  std::mt19937_64 rng(7);
  for (int k = 0; k < 200; ++k) {
    const uint64_t n = 1 + rng() % kN, i = rng() % n, m = 1 + rng() % n;
    REQUIRE(*f.log->InclusionProof(i, n) == *merkle::InclusionProof(i, n, ref.store));
    REQUIRE(*f.log->ConsistencyProof(m, n) == *merkle::ConsistencyProof(m, n, ref.store));
  }
}

TEST_CASE("Reopening the database restores the frontier for further appends", "[log]") {
  for (const int n : {0, 1, 2, 3, 7, 8, 9, 100}) {
    INFO("size before restart " << n);
    Fixture f;
    AppendN(f, n);
    f.Reopen();
    REQUIRE(*f.log->Size() == static_cast<uint64_t>(n));
    REQUIRE(*f.log->Append(Ev(n)) == static_cast<uint64_t>(n));
    AppendN(f, 5);
    const Reference ref = ReferenceOf(*f.log);
    REQUIRE(ref.frontier.size() == static_cast<uint64_t>(n + 6));
    REQUIRE(*f.log->Root(n + 6) == ref.frontier.Root());
  }
}

TEST_CASE("A damaged store is reported, not papered over", "[log]") {
  Fixture f;
  AppendN(f, 8);
  REQUIRE(f.runner->Run([](Txn& txn) { return txn.Exec("DELETE FROM audit_leaves WHERE seq = 3"); })
              .ok());
  REQUIRE(f.log->Leaves(0, 8).status().code() == absl::StatusCode::kDataLoss);
  // Leaf 3 held subtrees (0,3), (1,1) and (2,0): proofs through them fail.
  REQUIRE(f.log->InclusionProof(5, 8).status().code() == absl::StatusCode::kNotFound);
}

std::string SignedNote(AuditLog& log, uint64_t size, const std::string& sig = "c2lnbmF0dXJl") {
  merkle::Checkpoint c{"breakglass.test/log", size, *log.Root(size)};
  return *merkle::FormatCheckpoint(c) + "\n\xe2\x80\x94 breakglass.test/log " + sig + "\n";
}

TEST_CASE("Checkpoints are stored only when they agree with the log", "[log]") {
  Fixture f;
  REQUIRE(f.log->LatestCheckpoint().status().code() == absl::StatusCode::kNotFound);
  AppendN(f, 5);
  const std::string note3 = SignedNote(*f.log, 3), note5 = SignedNote(*f.log, 5);
  auto store = [&](uint64_t size, std::string note) {
    return f.runner->Run(
        [&, size, note](Txn& txn) { return f.log->StoreCheckpoint(txn, size, note); });
  };
  REQUIRE(store(3, note3).ok());
  REQUIRE(store(5, note5).ok());
  REQUIRE(store(5, note5).ok());  // same note again: a no-op
  REQUIRE(store(5, SignedNote(*f.log, 5, "b3RoZXI=")).code() == absl::StatusCode::kAlreadyExists);
  REQUIRE(store(4, note3).code() == absl::StatusCode::kInvalidArgument);  // size line says 3
  REQUIRE(store(6, note5).code() == absl::StatusCode::kOutOfRange);
  std::string forged = note3;
  forged.replace(forged.find('\n', forged.find('\n') + 1) + 1, 4, "AAAA");  // another root
  REQUIRE(store(3, forged).code() == absl::StatusCode::kInvalidArgument);
  REQUIRE(store(3, *merkle::FormatCheckpoint({"o", 3, *f.log->Root(3)})).code() ==
          absl::StatusCode::kInvalidArgument);  // unsigned body

  REQUIRE(f.log->LatestCheckpoint()->size == 5);
  REQUIRE(f.log->LatestCheckpoint()->note == note5);
  REQUIRE(f.log->CheckpointAt(3)->note == note3);
  REQUIRE(f.log->CheckpointAt(4).status().code() == absl::StatusCode::kNotFound);
  REQUIRE(f.log->Checkpoints()->size() == 2);
}

TEST_CASE("Anchor evidence is kept per checkpoint and counter", "[log]") {
  Fixture f;
  AppendN(f, 2);
  const AnchorEvidence ev{2, "checkpoint", 41, std::string("att\0st", 6), "sig"};
  auto store = [&](const AnchorEvidence& e) {
    return f.runner->Run([&](Txn& txn) { return f.log->StoreAnchorEvidence(txn, e); });
  };
  REQUIRE(store(ev).code() == absl::StatusCode::kFailedPrecondition);  // no checkpoint yet
  REQUIRE(f.runner
              ->Run([&](Txn& txn) { return f.log->StoreCheckpoint(txn, 2, SignedNote(*f.log, 2)); })
              .ok());
  REQUIRE(store(ev).ok());
  REQUIRE(store({2, "release", 7, "a", "s"}).ok());
  REQUIRE(store(ev).code() == absl::StatusCode::kAlreadyExists);
  const auto got = f.log->AnchorEvidenceAt(2);
  REQUIRE(got->size() == 2);
  REQUIRE((*got)[0].counter == "checkpoint");
  REQUIRE((*got)[0].value == 41);
  REQUIRE((*got)[0].attest == ev.attest);
  REQUIRE((*got)[1].counter == "release");
  REQUIRE(f.log->AnchorEvidenceAt(1)->empty());
}

TEST_CASE("Create refuses a database without the audit tables", "[log]") {
  store::testing::TempDir dir;
  auto runner = store::TransactionRunner::Open(dir.File("state.db"), {});
  REQUIRE(runner.ok());
  base::FakeClock clock(absl::UnixEpoch());
  REQUIRE(AuditLog::Create(runner->get(), &clock).status().code() ==
          absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace breakglass::audit
