#include "vault/store/transaction_runner.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"
#include "vault/store/sqlite/transaction.h"

namespace breakglass::store {
namespace {

std::future<absl::Status> Ready(absl::Status status) {
  std::promise<absl::Status> p;
  p.set_value(std::move(status));
  return p.get_future();
}

absl::Status BatchLost(const absl::Status& cause) {
  return absl::UnavailableError(absl::StrCat(
      "the group commit this unit was part of failed, nothing of it was stored (retry "
      "once the cause is fixed): ",
      std::string(cause.message())));
}

}  // namespace

absl::StatusOr<std::unique_ptr<TransactionRunner>> TransactionRunner::Open(
    std::string path, std::span<const sqlite::Migration> migrations, RunnerOptions options) {
  if (options.max_batch == 0) return absl::InvalidArgumentError("max_batch must be at least 1");
  BG_ASSIGN_OR_RETURN(auto writer,
                      sqlite::Database::Open(path, {.busy_timeout = options.busy_timeout}));
  BG_RETURN_IF_ERROR(base::Annotate(sqlite::ApplyMigrations(*writer, migrations),
                                    absl::StrCat("migrating ", path)));
  return std::unique_ptr<TransactionRunner>(
      new TransactionRunner(std::move(path), std::move(writer), options));
}

TransactionRunner::TransactionRunner(std::string path, std::unique_ptr<sqlite::Database> writer,
                                     RunnerOptions options)
    : path_(std::move(path)), options_(options), writer_(std::move(writer)) {
  writer_thread_ = std::thread([this] { WriterLoop(); });
}

TransactionRunner::~TransactionRunner() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  writer_thread_.join();
}

absl::Status TransactionRunner::Run(Unit unit) { return Submit(std::move(unit)).get(); }

std::future<absl::Status> TransactionRunner::Submit(Unit unit) {
  std::vector<Unit> units;
  units.push_back(std::move(unit));
  return std::move(SubmitAll(std::move(units)).front());
}

std::vector<std::future<absl::Status>> TransactionRunner::SubmitAll(std::vector<Unit> units) {
  std::vector<std::future<absl::Status>> futures;
  futures.reserve(units.size());
  if (std::this_thread::get_id() == writer_id_.load()) {
    for (size_t i = 0; i < units.size(); ++i) {
      futures.push_back(Ready(absl::FailedPreconditionError(
          "a unit of work submitted more work to its own TransactionRunner; it would wait "
          "for itself: do the work in the same unit instead")));
    }
    return futures;
  }
  std::vector<Pending> items(units.size());
  for (size_t i = 0; i < units.size(); ++i) {
    items[i].unit = std::move(units[i]);
    futures.push_back(items[i].done.get_future());
  }
  Enqueue(std::move(items));
  return futures;
}

void TransactionRunner::Enqueue(std::vector<Pending> items) {
  absl::MutexLock lock(&mu_);
  for (Pending& p : items) {
    if (stopping_) {
      p.done.set_value(absl::FailedPreconditionError("the TransactionRunner is shutting down"));
    } else {
      queue_.push_back(std::move(p));
    }
  }
}

void TransactionRunner::WriterLoop() {
  writer_id_.store(std::this_thread::get_id());
  for (;;) {
    std::vector<Pending> batch;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &TransactionRunner::HasWorkOrStopping));
      if (queue_.empty()) return;  // stopping, and everything queued has run
      const size_t n = std::min(queue_.size(), options_.max_batch);
      batch.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    RunBatch(batch);
  }
}

bool TransactionRunner::HasWorkOrStopping() const { return stopping_ || !queue_.empty(); }

void TransactionRunner::RunBatch(std::vector<Pending>& batch) {
  std::vector<absl::Status> results;
  bool committed_tx = false;
  absl::StatusOr<sqlite::Transaction> tx = sqlite::Transaction::Begin(*writer_);
  if (!tx.ok()) {
    results.assign(batch.size(), BatchLost(tx.status()));
  } else {
    Txn txn(*writer_, /*read_only=*/false);
    results = RunUnits(batch, txn);
    absl::Status commit = tx->Commit();
    committed_tx = commit.ok();
    if (committed_tx) {
      txn.ClearHooks();
    } else {
      txn.RollBackHooks(0);
    }
    for (absl::Status& r : results) {
      if (r.ok() && !commit.ok()) r = BatchLost(commit);
    }
  }
  uint64_t committed = 0;
  for (const absl::Status& r : results) committed += r.ok() ? 1 : 0;
  {
    absl::MutexLock lock(&mu_);
    stats_.transactions += committed_tx ? 1 : 0;
    stats_.units_committed += committed;
    stats_.units_failed += batch.size() - committed;
  }
  for (size_t i = 0; i < batch.size(); ++i) batch[i].done.set_value(std::move(results[i]));
}

std::vector<absl::Status> TransactionRunner::RunUnits(std::vector<Pending>& batch, Txn& txn) {
  std::vector<absl::Status> results(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    results[i] = RunUnit(batch[i].unit, txn);
    if (writer_->InTransaction()) continue;
    // SQLite ended the transaction (I/O error, disk full, or a unit that ran
    // COMMIT/ROLLBACK itself): the earlier units' work is not what will be
    // stored, and the later ones never ran.
    const absl::Status cause = results[i].ok()
                                   ? absl::InternalError("a unit ended the transaction itself")
                                   : results[i];
    for (size_t j = 0; j < batch.size(); ++j) {
      if (j > i || results[j].ok()) results[j] = BatchLost(cause);
    }
    break;
  }
  return results;
}

absl::Status TransactionRunner::RunUnit(Unit& unit, Txn& txn) {
  // On error the savepoint's destructor rolls back to it and runs the hooks
  // the unit registered: only this unit's work is undone.
  absl::StatusOr<Savepoint> sp = txn.StartSavepoint();
  if (!sp.ok()) return sp.status();
  absl::Status status = unit(txn);
  if (status.ok()) status = sp->Release();
  return status;
}

absl::Status TransactionRunner::Read(absl::FunctionRef<absl::Status(Txn&)> fn) {
  BG_ASSIGN_OR_RETURN(std::unique_ptr<sqlite::Database> db, AcquireReader());
  absl::Status status;
  {
    absl::StatusOr<sqlite::Transaction> tx = sqlite::Transaction::BeginRead(*db);
    if (tx.ok()) {
      Txn txn(*db, /*read_only=*/true);
      status = fn(txn);
    } else {
      status = tx.status();
    }
  }  // the read transaction ends here (rolled back: it wrote nothing)
  ReleaseReader(std::move(db));
  return status;
}

absl::StatusOr<std::unique_ptr<sqlite::Database>> TransactionRunner::AcquireReader() {
  {
    absl::MutexLock lock(&readers_mu_);
    if (!idle_readers_.empty()) {
      std::unique_ptr<sqlite::Database> db = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return db;
    }
  }
  return sqlite::Database::Open(path_,
                                {.read_only = true, .busy_timeout = options_.busy_timeout});
}

void TransactionRunner::ReleaseReader(std::unique_ptr<sqlite::Database> db) {
  absl::MutexLock lock(&readers_mu_);
  idle_readers_.push_back(std::move(db));
}

RunnerStats TransactionRunner::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

size_t TransactionRunner::QueueDepth() const {
  absl::MutexLock lock(&mu_);
  return queue_.size();
}

}  // namespace breakglass::store
