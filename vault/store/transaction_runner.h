// TransactionRunner: group commit for the breakglass state file.
//
// Callers submit units of work, `absl::Status(Txn&)`. One writer thread takes
// everything queued (up to RunnerOptions::max_batch), runs each unit inside
// its own SAVEPOINT within ONE write transaction, commits once (one fsync of
// the WAL, synchronous=FULL), and then wakes every caller with its own result:
//   - a unit that returns an error is rolled back alone and gets that error;
//     the other units of the batch still commit;
//   - if the COMMIT itself fails, or SQLite ends the transaction after an I/O
//     error, every unit of the batch that had succeeded gets an error and
//     nothing of the batch is stored.
// A caller's OK therefore means: its unit's writes are durable. Because a
// state change and its audit event are written by the same unit, they commit
// together or not at all; and many concurrent appenders share one fsync.
//
// Units run on the writer thread, one at a time, in submission order. A unit
// must not block on anything that waits for this runner (Run/Submit from a
// unit is refused with FAILED_PRECONDITION rather than deadlocking), and must
// not throw.
//
// Reads (Read) run on a pool of query_only connections in WAL read snapshots,
// concurrently with the writer; they see only committed data.
//
// Thread-safety: every public method is safe to call from many threads.
#ifndef BREAKGLASS_VAULT_STORE_TRANSACTION_RUNNER_H_
#define BREAKGLASS_VAULT_STORE_TRANSACTION_RUNNER_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <future>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "vault/store/sqlite/database.h"
#include "vault/store/sqlite/schema.h"
#include "vault/store/txn.h"

namespace breakglass::store {

// A unit of work. Runs once, on the writer thread, inside a savepoint.
using Unit = absl::AnyInvocable<absl::Status(Txn&)>;

struct RunnerOptions {
  // The most units gathered into one transaction.
  size_t max_batch = 1024;
  // How long a connection waits for a lock held by another process.
  absl::Duration busy_timeout = absl::Seconds(10);
};

struct RunnerStats {
  uint64_t transactions = 0;     // write transactions committed
  uint64_t units_committed = 0;  // units whose work is durable
  uint64_t units_failed = 0;     // units that got an error
};

class TransactionRunner final {
 public:
  // Opens (creating if needed) the database at `path`, applies `migrations`
  // (sqlite/schema.h) and starts the writer thread. Errors: those of
  // sqlite::Database::Open and sqlite::ApplyMigrations.
  static absl::StatusOr<std::unique_ptr<TransactionRunner>> Open(
      std::string path, std::span<const sqlite::Migration> migrations,
      RunnerOptions options = {});

  TransactionRunner(const TransactionRunner&) = delete;
  TransactionRunner& operator=(const TransactionRunner&) = delete;
  // Runs every unit already queued, then stops the writer thread.
  ~TransactionRunner();

  // Runs `unit` in the next group commit and blocks until it is durable (OK)
  // or has failed (the unit's own error, or the commit's: UNAVAILABLE for
  // storage trouble — nothing of the unit was stored).
  absl::Status Run(Unit unit);

  // As Run, without blocking: the future resolves once the unit's batch has
  // committed or failed.
  std::future<absl::Status> Submit(Unit unit);
  // Queues all `units` at once, in order, so that an idle writer takes them
  // into the same transaction (up to max_batch).
  std::vector<std::future<absl::Status>> SubmitAll(std::vector<Unit> units);

  // Runs `fn` in a read snapshot of the committed state, on a reader
  // connection (concurrently with the writer). Returns fn's status, or the
  // error opening the snapshot.
  absl::Status Read(absl::FunctionRef<absl::Status(Txn&)> fn);

  // Counters since Open.
  RunnerStats stats() const;
  // Units waiting for the writer (not counting the batch being run).
  size_t QueueDepth() const;
  const std::string& path() const { return path_; }

 private:
  struct Pending {
    Unit unit;
    std::promise<absl::Status> done;
  };

  TransactionRunner(std::string path, std::unique_ptr<sqlite::Database> writer,
                    RunnerOptions options);
  void Enqueue(std::vector<Pending> items);
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void WriterLoop();
  void RunBatch(std::vector<Pending>& batch);
  std::vector<absl::Status> RunUnits(std::vector<Pending>& batch, Txn& txn);
  absl::Status RunUnit(Unit& unit, Txn& txn);
  absl::StatusOr<std::unique_ptr<sqlite::Database>> AcquireReader();
  void ReleaseReader(std::unique_ptr<sqlite::Database> db);

  const std::string path_;
  const RunnerOptions options_;
  // Touched only by the writer thread (and by the constructor/destructor).
  std::unique_ptr<sqlite::Database> writer_;

  mutable absl::Mutex mu_;
  std::deque<Pending> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  RunnerStats stats_ ABSL_GUARDED_BY(mu_);

  absl::Mutex readers_mu_;
  std::vector<std::unique_ptr<sqlite::Database>> idle_readers_ ABSL_GUARDED_BY(readers_mu_);

  std::atomic<std::thread::id> writer_id_;
  std::thread writer_thread_;
};

}  // namespace breakglass::store

#endif  // BREAKGLASS_VAULT_STORE_TRANSACTION_RUNNER_H_
