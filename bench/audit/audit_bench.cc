// Durable append throughput of the audit log (events/s) against plain SQLite.
//
// For each batch size B (1, 64, 512):
//   audit  B units, each AuditLog::Append of one event (canonical JSON, leaf
//          hash, frontier update, one row), submitted at once to the
//          TransactionRunner, so they share one transaction and one fsync.
//   plain  BEGIN IMMEDIATE; B prepared INSERTs of a blob as large as the
//          audit row (leaf + type + subtree hashes); COMMIT — raw sqlite3 API,
//          WAL, synchronous=FULL, the same file system.
// Each measurement runs for at least kMinSeconds; three repetitions, median.
// Prints one JSON object with both rates, their ratio (target >= 0.5) and the
// audit side's units per commit (showing the batches really formed).
//
//   audit_bench [--dir DIR] [--batch N] [--audit-only]
// --dir puts the databases on another file system (default: the temp dir;
// /dev/shm shows the CPU-bound case, where fsync costs nothing);
// --audit-only skips the baseline, for profiling.
#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "vault/audit/log.h"

namespace breakglass::audit {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr double kMinSeconds = 1.0;
constexpr int kRepetitions = 3;

void Check(const absl::Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "audit_bench: %s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

void CheckRc(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE) {
    std::fprintf(stderr, "audit_bench: %s: %s\n", what, sqlite3_errmsg(db));
    std::exit(1);
  }
}

Event MakeEvent(uint64_t i) {
  Event e(EventType::kApproval);
  e.set_actor("custodian:alice@example.org")
      .set_subject(absl::StrCat("request:", 100000 + i))
      .set_incident("INC-2031")
      .set_reason("primary database unreachable, failover needs the root credential")
      .Set("credential", "db-root")
      .Set("credential_version", 3)
      .SetHash("statement", absl::StrCat("statement ", i));
  return e;
}

// A fresh directory for one measurement's database.
struct Dir {
  fs::path path;
  explicit Dir(const fs::path& parent) {
    std::string tmpl = (parent / "bg-audit-bench-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      std::perror("mkdtemp");
      std::exit(1);
    }
    path = tmpl;
  }
  ~Dir() { fs::remove_all(path); }
};

struct Result {
  double per_second;
  double mean_batch;  // units (rows) per committed transaction
};

Result RunAudit(const fs::path& parent, size_t batch) {
  Dir dir(parent);
  auto runner = store::TransactionRunner::Open((dir.path / "state.db").string(),
                                               AuditLog::Migrations(), {.max_batch = batch});
  Check(runner.status(), "open runner");
  base::SystemClock clock;
  auto log = AuditLog::Create(runner->get(), &clock);
  Check(log.status(), "create log");
  uint64_t events = 0;
  const auto start = Clock::now();
  double elapsed = 0;
  while (elapsed < kMinSeconds) {
    std::vector<store::Unit> units;
    units.reserve(batch);
    for (size_t k = 0; k < batch; ++k, ++events) {
      units.push_back([&log, i = events](store::Txn& txn) {
        return (*log)->Append(txn, MakeEvent(i)).status();
      });
    }
    for (auto& f : (*runner)->SubmitAll(std::move(units))) Check(f.get(), "append");
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  }
  const uint64_t transactions = (*runner)->stats().transactions;
  return {events / elapsed, static_cast<double>(events) / static_cast<double>(transactions)};
}

Result RunPlain(const fs::path& parent, size_t batch, size_t row_bytes) {
  Dir dir(parent);
  sqlite3* db = nullptr;
  CheckRc(sqlite3_open((dir.path / "plain.db").string().c_str(), &db), db, "open");
  CheckRc(sqlite3_exec(db,
                       "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                       "CREATE TABLE rows(id INTEGER PRIMARY KEY, data BLOB NOT NULL);",
                       nullptr, nullptr, nullptr),
          db, "setup");
  sqlite3_stmt *begin, *insert, *commit;
  CheckRc(sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, nullptr), db, "prepare");
  CheckRc(sqlite3_prepare_v2(db, "INSERT INTO rows(id, data) VALUES (?, ?)", -1, &insert,
                             nullptr),
          db, "prepare");
  CheckRc(sqlite3_prepare_v2(db, "COMMIT", -1, &commit, nullptr), db, "prepare");
  std::string row(row_bytes, 'x');
  uint64_t rows = 0, transactions = 0;
  const auto start = Clock::now();
  double elapsed = 0;
  while (elapsed < kMinSeconds) {
    CheckRc(sqlite3_step(begin), db, "begin");
    sqlite3_reset(begin);
    for (size_t k = 0; k < batch; ++k, ++rows) {
      row[rows % row_bytes] = static_cast<char>('a' + rows % 26);
      sqlite3_bind_int64(insert, 1, static_cast<sqlite3_int64>(rows));
      sqlite3_bind_blob(insert, 2, row.data(), static_cast<int>(row.size()), SQLITE_TRANSIENT);
      CheckRc(sqlite3_step(insert), db, "insert");
      sqlite3_reset(insert);
    }
    CheckRc(sqlite3_step(commit), db, "commit");
    sqlite3_reset(commit);
    ++transactions;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  }
  for (sqlite3_stmt* s : {begin, insert, commit}) sqlite3_finalize(s);
  sqlite3_close(db);
  return {rows / elapsed, static_cast<double>(rows) / static_cast<double>(transactions)};
}

// The stored size of one audit row: leaf bytes, type text and on average two
// 32-byte subtree hashes (the leaf hash plus, amortised, one parent).
size_t AuditRowBytes() {
  Event e = MakeEvent(123456);
  e.set_seq(123456).set_time(absl::Now());
  auto leaf = e.Canonical();
  Check(leaf.status(), "canonical");
  return leaf->size() + EventTypeName(e.type()).size() + 2 * merkle::kHashSize;
}

template <typename F>
Result Median(F run) {
  std::vector<Result> r;
  for (int i = 0; i < kRepetitions; ++i) r.push_back(run());
  std::sort(r.begin(), r.end(),
            [](const Result& a, const Result& b) { return a.per_second < b.per_second; });
  return r[r.size() / 2];
}

int Main(int argc, char** argv) {
  fs::path parent = fs::temp_directory_path();
  std::vector<size_t> batches = {1, 64, 512};
  bool audit_only = false;  // for profiling
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--dir" && i + 1 < argc) {
      parent = argv[++i];
    } else if (arg == "--batch" && i + 1 < argc) {
      batches = {std::stoul(argv[++i])};
    } else if (arg == "--audit-only") {
      audit_only = true;
    } else {
      std::fprintf(stderr, "usage: audit_bench [--dir DIR] [--batch N] [--audit-only]\n");
      return 2;
    }
  }
  const size_t row_bytes = AuditRowBytes();
  std::string json = absl::StrFormat(
      "{\"benchmark\":\"audit_durable_append\",\"durability\":\"WAL, synchronous=FULL\","
      "\"dir\":\"%s\",\"row_bytes\":%d,\"min_seconds\":%.1f,\"repetitions\":%d,"
      "\"target_ratio\":0.5,\"results\":[",
      parent.string(), row_bytes, kMinSeconds, kRepetitions);
  bool first = true;
  for (const size_t batch : batches) {
    const Result plain = audit_only ? Result{1, 0}
                                    : Median([&] { return RunPlain(parent, batch, row_bytes); });
    const Result audit = Median([&] { return RunAudit(parent, batch); });
    absl::StrAppend(&json, first ? "" : ",",
                    absl::StrFormat("{\"batch\":%d,\"audit_events_per_s\":%.0f,"
                                    "\"plain_sqlite_rows_per_s\":%.0f,\"ratio\":%.3f,"
                                    "\"audit_units_per_commit\":%.1f}",
                                    batch, audit.per_second, plain.per_second,
                                    audit.per_second / plain.per_second, audit.mean_batch));
    first = false;
  }
  std::printf("%s]}\n", json.c_str());
  return 0;
}

}  // namespace
}  // namespace breakglass::audit

int main(int argc, char** argv) { return breakglass::audit::Main(argc, argv); }
