// EventLog: what the vault needs of the audit log — append one event inside
// the caller's store transaction, so a state change and its event commit
// together or not at all (DESIGN.md invariant 2). The composition root wires
// the audit log (vault/audit) behind it; tests may use a table in the same
// database.
//
// Event content (DESIGN.md "Audit log"): type, actor, subject, incident,
// reason and type-specific fields; the log adds its sequence number. Secret
// values never appear: keys and ciphertexts only as SHA-256 hashes.
//
// Thread-safety: Append is called on the store's writer thread with that
// thread's Txn; implementations must not block on the TransactionRunner.
#ifndef BREAKGLASS_VAULT_CORE_EVENT_LOG_H_
#define BREAKGLASS_VAULT_CORE_EVENT_LOG_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vault/core/flat_json.h"
#include "vault/store/txn.h"

namespace breakglass::core {

struct VaultEvent {
  std::string type;     // "request", "approval", "release", ...
  std::string actor;    // identity name
  std::string subject;  // request id, credential id or identity name
  std::string incident;
  std::string reason;
  absl::Time time;
  FlatJson fields;  // type-specific members
};

class EventLog {
 public:
  virtual ~EventLog() = default;
  // Appends `event` within `txn` and returns its leaf index in the audit log
  // (its `seq`; valid once the unit commits). An error aborts the caller's
  // unit, so the state change is not stored either.
  virtual absl::StatusOr<uint64_t> AppendAt(store::Txn& txn, const VaultEvent& event) = 0;
  // AppendAt for callers that do not need the index.
  absl::Status Append(store::Txn& txn, const VaultEvent& event) {
    return AppendAt(txn, event).status();
  }
};

}  // namespace breakglass::core

#endif  // BREAKGLASS_VAULT_CORE_EVENT_LOG_H_
