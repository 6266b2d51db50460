#include "vault/core/testing/table_event_log.h"

#include "vault/base/status.h"
#include "vault/core/audit_event.h"

namespace breakglass::core::testing {

std::span<const store::sqlite::Migration> TableEventLog::Migrations() {
  static const auto* steps = new std::vector<store::sqlite::Migration>{
      {"core_test_events", 1,
       "CREATE TABLE core_test_event (seq INTEGER PRIMARY KEY, leaf TEXT NOT NULL) STRICT;"}};
  return *steps;
}

absl::Status TableEventLog::Append(store::Txn& txn, const VaultEvent& event) {
  if (fail_after_.load() >= 0 && fail_after_-- == 0) {
    return absl::UnavailableError("test event log: write failed");
  }
  BG_ASSIGN_OR_RETURN(audit::Event leaf, ToAuditEvent(event));
  BG_ASSIGN_OR_RETURN(int64_t seq, txn.QueryInt64("SELECT count(*) FROM core_test_event"));
  leaf.set_seq(static_cast<uint64_t>(seq));
  BG_ASSIGN_OR_RETURN(std::string bytes, leaf.Canonical());
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("INSERT INTO core_test_event (seq, leaf) VALUES (?, ?)"));
  stmt->BindInt64(1, seq).BindText(2, bytes);
  return stmt->Run();
}

absl::StatusOr<std::vector<std::string>> TableEventLog::Leaves(store::TransactionRunner& runner) {
  std::vector<std::string> out;
  if (absl::Status done = runner.Read([&](store::Txn& txn) -> absl::Status {
    BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("SELECT leaf FROM core_test_event ORDER BY seq"));
    while (true) {
      BG_ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row) return absl::OkStatus();
      out.push_back(stmt->ColumnText(0));
    }
  }); !done.ok()) return done;
  return out;
}

}  // namespace breakglass::core::testing
