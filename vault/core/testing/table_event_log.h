// TableEventLog: an EventLog for tests that stores each event's audit leaf
// (audit::Event::Canonical) in a table of the same database, inside the
// caller's transaction — so it commits or rolls back with the state change,
// as the real audit log does.
//
// Thread-safety: Append runs on the store's writer thread; the static
// readers may be called from any thread.
#ifndef BREAKGLASS_VAULT_CORE_TESTING_TABLE_EVENT_LOG_H_
#define BREAKGLASS_VAULT_CORE_TESTING_TABLE_EVENT_LOG_H_

#include <atomic>
#include <span>
#include <string>
#include <vector>

#include "vault/core/event_log.h"
#include "vault/store/sqlite/schema.h"
#include "vault/store/transaction_runner.h"

namespace breakglass::core::testing {

class TableEventLog final : public EventLog {
 public:
  // The table's schema (component "core_test_events").
  static std::span<const store::sqlite::Migration> Migrations();

  absl::Status Append(store::Txn& txn, const VaultEvent& event) override;

  // After `skip` more successful appends, the next one fails with
  // UNAVAILABLE (a log write failure).
  void FailAppendAfter(int skip) { fail_after_ = skip; }

  // Every stored leaf, in order.
  static absl::StatusOr<std::vector<std::string>> Leaves(store::TransactionRunner& runner);

 private:
  std::atomic<int> fail_after_{-1};
};

}  // namespace breakglass::core::testing

#endif  // BREAKGLASS_VAULT_CORE_TESTING_TABLE_EVENT_LOG_H_
