#include "vault/store/transaction_runner.h"

#include <catch2/catch.hpp>
#include <latch>
#include <thread>
#include <vector>

#include "vault/store/testing/temp_dir.h"

namespace breakglass::store {
namespace {

using testing::TempDir;

const std::vector<sqlite::Migration> kSchema = {
    {"test", 1,
     "CREATE TABLE kv(k TEXT PRIMARY KEY, v INTEGER NOT NULL);"
     "CREATE TABLE parent(id INTEGER PRIMARY KEY);"
     "CREATE TABLE child(pid INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);"},
};

std::unique_ptr<TransactionRunner> OpenOrDie(const std::string& path, RunnerOptions opts = {}) {
  auto runner = TransactionRunner::Open(path, kSchema, opts);
  INFO(runner.status().ToString());
  REQUIRE(runner.ok());
  return std::move(*runner);
}

absl::Status Put(Txn& txn, const std::string& k, int64_t v) {
  auto stmt = txn.Prepare("INSERT INTO kv(k, v) VALUES(?, ?)");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->BindText(1, k).BindInt64(2, v);
  return (*stmt)->Run();
}

Unit PutUnit(std::string k, int64_t v) {
  return [k = std::move(k), v](Txn& txn) { return Put(txn, k, v); };
}

// The number of rows in kv, read from the committed state.
int64_t Count(TransactionRunner& runner) {
  int64_t n = -1;
  REQUIRE(runner
              .Read([&](Txn& txn) -> absl::Status {
                auto c = txn.QueryInt64("SELECT count(*) FROM kv");
                if (!c.ok()) return c.status();
                n = *c;
                return absl::OkStatus();
              })
              .ok());
  return n;
}

TEST_CASE("A unit's writes are durable when Run returns", "[runner]") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  auto runner = OpenOrDie(path);
  REQUIRE(runner->Run(PutUnit("a", 1)).ok());
  REQUIRE(Count(*runner) == 1);
  // Another connection (another process, after a crash) sees it too.
  auto other = sqlite::Database::Open(path, {.read_only = true});
  REQUIRE(other.ok());
  REQUIRE(*(*other)->QueryInt64("SELECT v FROM kv WHERE k = 'a'") == 1);
}

TEST_CASE("A failing unit is rolled back alone; the rest of its batch commits", "[runner]") {
  TempDir dir;
  auto runner = OpenOrDie(dir.File("state.db"));
  std::vector<Unit> units;
  units.push_back(PutUnit("a", 1));
  units.push_back([](Txn& txn) -> absl::Status {
    // A state change is written, then the unit fails: neither may remain.
    if (absl::Status s = Put(txn, "half-done", 2); !s.ok()) return s;
    return absl::PermissionDeniedError("approver is the requester");
  });
  units.push_back(PutUnit("a", 3));  // duplicate key: fails on its own
  units.push_back(PutUnit("b", 4));
  auto futures = runner->SubmitAll(std::move(units));
  REQUIRE(futures[0].get().ok());
  const absl::Status second = futures[1].get();
  REQUIRE(second.code() == absl::StatusCode::kPermissionDenied);
  REQUIRE(std::string(second.message()) == "approver is the requester");
  REQUIRE(futures[2].get().code() == absl::StatusCode::kAlreadyExists);
  REQUIRE(futures[3].get().ok());
  REQUIRE(Count(*runner) == 2);
  REQUIRE(runner->stats().transactions == 1);
  REQUIRE(runner->stats().units_committed == 2);
  REQUIRE(runner->stats().units_failed == 2);
}

TEST_CASE("When the commit fails, every unit of the batch fails and nothing is stored",
          "[runner]") {
  TempDir dir;
  auto runner = OpenOrDie(dir.File("state.db"));
  std::vector<Unit> units;
  units.push_back(PutUnit("a", 1));
  // A deferred foreign key is only checked at COMMIT, which then fails.
  units.push_back([](Txn& txn) { return txn.Exec("INSERT INTO child(pid) VALUES (42)"); });
  auto futures = runner->SubmitAll(std::move(units));
  for (auto& f : futures) {
    const absl::Status s = f.get();
    REQUIRE(s.code() == absl::StatusCode::kUnavailable);
    REQUIRE_THAT(std::string(s.message()), Catch::Contains("FOREIGN KEY"));
  }
  REQUIRE(Count(*runner) == 0);
  REQUIRE(runner->stats().transactions == 0);
  // The runner carries on.
  REQUIRE(runner->Run(PutUnit("b", 2)).ok());
  REQUIRE(Count(*runner) == 1);
}

TEST_CASE("A unit that ends the transaction itself fails the batch", "[runner]") {
  TempDir dir;
  auto runner = OpenOrDie(dir.File("state.db"));
  std::vector<Unit> units;
  units.push_back(PutUnit("a", 1));
  units.push_back([](Txn& txn) { return txn.Exec("ROLLBACK"); });
  units.push_back(PutUnit("b", 2));
  auto futures = runner->SubmitAll(std::move(units));
  REQUIRE(futures[0].get().code() == absl::StatusCode::kUnavailable);
  REQUIRE(futures[1].get().code() == absl::StatusCode::kAborted);  // the offender
  REQUIRE(futures[2].get().code() == absl::StatusCode::kUnavailable);
  REQUIRE(Count(*runner) == 0);
  REQUIRE(runner->Run(PutUnit("c", 3)).ok());
}

TEST_CASE("Units queued while the writer is busy share one transaction", "[runner]") {
  TempDir dir;
  auto runner = OpenOrDie(dir.File("state.db"));
  std::latch started(1), release(1);
  auto blocker = runner->Submit([&](Txn& txn) {
    started.count_down();
    release.wait();
    return Put(txn, "first", 0);
  });
  started.wait();  // the writer is now inside the first batch
  constexpr int kThreads = 16;
  std::vector<std::thread> threads;
  std::vector<absl::Status> results(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] { results[i] = runner->Run(PutUnit(std::to_string(i), i)); });
  }
  while (runner->QueueDepth() < kThreads) std::this_thread::yield();
  release.count_down();
  for (auto& t : threads) t.join();
  REQUIRE(blocker.get().ok());
  for (const auto& r : results) REQUIRE(r.ok());
  REQUIRE(Count(*runner) == kThreads + 1);
  REQUIRE(runner->stats().transactions == 2);  // the blocker's, then all 16 together
}

TEST_CASE("max_batch caps the units per transaction", "[runner]") {
  TempDir dir;
  auto runner = OpenOrDie(dir.File("state.db"), {.max_batch = 3});
  std::vector<Unit> units;
  for (int i = 0; i < 7; ++i) units.push_back(PutUnit(std::to_string(i), i));
  for (auto& f : runner->SubmitAll(std::move(units))) REQUIRE(f.get().ok());
  REQUIRE(runner->stats().transactions == 3);
}

TEST_CASE("A unit that submits to its own runner gets an error, not a deadlock", "[runner]") {
  TempDir dir;
  auto runner = OpenOrDie(dir.File("state.db"));
  absl::Status inner;
  REQUIRE(runner
              ->Run([&](Txn&) {
                inner = runner->Run(PutUnit("x", 1));
                return absl::OkStatus();
              })
              .ok());
  REQUIRE(inner.code() == absl::StatusCode::kFailedPrecondition);
}

TEST_CASE("Reads see committed data only and cannot write", "[runner]") {
  TempDir dir;
  auto runner = OpenOrDie(dir.File("state.db"));
  REQUIRE(runner->Run(PutUnit("a", 1)).ok());
  const absl::Status write = runner->Read([](Txn& txn) {
    REQUIRE(txn.read_only());
    return txn.Exec("INSERT INTO kv VALUES ('b', 2)");
  });
  REQUIRE_FALSE(write.ok());
  REQUIRE(Count(*runner) == 1);
}

TEST_CASE("Destruction runs every unit already queued", "[runner]") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  std::vector<std::future<absl::Status>> futures;
  {
    auto runner = OpenOrDie(path, {.max_batch = 2});
    std::vector<Unit> units;
    for (int i = 0; i < 9; ++i) units.push_back(PutUnit(std::to_string(i), i));
    futures = runner->SubmitAll(std::move(units));
  }
  for (auto& f : futures) REQUIRE(f.get().ok());
  REQUIRE(Count(*OpenOrDie(path)) == 9);
}

TEST_CASE("Rollback hooks run exactly when a unit's work is undone", "[runner]") {
  TempDir dir;
  auto runner = OpenOrDie(dir.File("state.db"));
  std::vector<std::string> undone;
  auto unit = [&](std::string name, bool fail) -> Unit {
    return [&undone, name, fail](Txn& txn) -> absl::Status {
      if (absl::Status s = Put(txn, name, 1); !s.ok()) return s;
      txn.OnRollback([&undone, name] { undone.push_back(name); });
      return fail ? absl::AbortedError("no") : absl::OkStatus();
    };
  };
  std::vector<Unit> units;
  units.push_back(unit("kept", false));
  units.push_back(unit("failed", true));
  for (auto& f : runner->SubmitAll(std::move(units))) f.get().IgnoreError();
  REQUIRE(undone == std::vector<std::string>{"failed"});

  // A failed COMMIT undoes every unit of the batch, so every hook runs.
  undone.clear();
  units.clear();
  units.push_back(unit("a", false));
  units.push_back([](Txn& txn) { return txn.Exec("INSERT INTO child(pid) VALUES (42)"); });
  units.push_back(unit("b", false));
  for (auto& f : runner->SubmitAll(std::move(units))) REQUIRE_FALSE(f.get().ok());
  REQUIRE(undone == std::vector<std::string>{"b", "a"});
  REQUIRE(Count(*runner) == 1);  // only "kept"
}

TEST_CASE("A dropped nested savepoint undoes only its own writes and hooks", "[runner]") {
  TempDir dir;
  auto runner = OpenOrDie(dir.File("state.db"));
  std::vector<std::string> undone;
  REQUIRE(runner
              ->Run([&](Txn& txn) -> absl::Status {
                REQUIRE(Put(txn, "outer", 1).ok());
                txn.OnRollback([&] { undone.push_back("outer"); });
                {
                  auto sp = txn.StartSavepoint();
                  REQUIRE(sp.ok());
                  REQUIRE(Put(txn, "inner", 2).ok());
                  txn.OnRollback([&] { undone.push_back("inner"); });
                }  // dropped
                {
                  auto sp = txn.StartSavepoint();
                  REQUIRE(Put(txn, "released", 3).ok());
                  REQUIRE(sp->Release().ok());
                  REQUIRE(sp->Release().code() == absl::StatusCode::kFailedPrecondition);
                }
                return absl::OkStatus();
              })
              .ok());
  REQUIRE(undone == std::vector<std::string>{"inner"});
  REQUIRE(Count(*runner) == 2);
}

TEST_CASE("Open applies migrations and reports a broken one", "[runner]") {
  TempDir dir;
  const std::vector<sqlite::Migration> broken = {{"test", 1, "CREATE TABLE (;"}};
  auto runner = TransactionRunner::Open(dir.File("state.db"), broken);
  REQUIRE_FALSE(runner.ok());
  REQUIRE_THAT(std::string(runner.status().message()), Catch::Contains("migration test v1"));
}

}  // namespace
}  // namespace breakglass::store
