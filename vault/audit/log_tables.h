// The audit log's tables (component "audit" of the store's migrations) and
// row-level access to them through a store::Txn. AuditLog (log.h) is the API;
// this file is its storage layer, also usable by export code that streams
// rows.
//
// Layout (audit v1):
//   audit_leaves(seq, type, leaf, hashes)
//     One row per leaf. `leaf` is the exact leaf bytes; `hashes` is the
//     concatenation of the 32-byte hashes of the complete subtrees this leaf
//     completed, lowest level first (merkle::Frontier::Append order): the
//     leaf hash at (level 0, index seq), then (1, seq>>1) if seq is odd, and
//     so on. So the complete subtree (level l, index i) is stored at byte
//     offset 32·l of the row seq = (i+1)·2^l − 1, one primary-key lookup.
//     An append writes exactly one row.
//   audit_checkpoints(size, note)            signed checkpoint notes, exact bytes
//   audit_anchor_evidence(checkpoint_size, counter, value, attest, signature)
//     TPM2_NV_Certify evidence per anchored checkpoint and counter.
//
// Thread-safety: functions are stateless; a StoredSubtrees is used by the
// thread that owns its Txn.
#ifndef BREAKGLASS_VAULT_AUDIT_LOG_TABLES_H_
#define BREAKGLASS_VAULT_AUDIT_LOG_TABLES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "vault/merkle/tree.h"
#include "vault/store/sqlite/schema.h"
#include "vault/store/txn.h"

namespace breakglass::audit {

// The "audit" component's migration steps.
std::vector<store::sqlite::Migration> AuditLogMigrations();

// Complete-subtree hashes read from audit_leaves through `txn` (which must
// outlive this object). Sees what `txn` sees, including uncommitted appends
// of the same transaction.
class StoredSubtrees final : public merkle::SubtreeReader {
 public:
  explicit StoredSubtrees(store::Txn& txn) : txn_(txn) {}

  // NOT_FOUND when the tree is too small to hold `id`; DATA_LOSS when the row
  // exists but does not carry the hash (a damaged store).
  absl::StatusOr<merkle::Hash> Get(const merkle::NodeId& id) override;
  absl::StatusOr<std::vector<merkle::Hash>> GetMany(
      absl::Span<const merkle::NodeId> ids) override;

 private:
  store::Txn& txn_;
};

struct StoredCheckpoint {
  uint64_t size = 0;
  std::string note;  // the signed note, exact bytes
};

struct AnchorEvidence {
  uint64_t checkpoint_size = 0;
  std::string counter;    // MonotonicCounter::Label(): "release" or "checkpoint"
  uint64_t value = 0;     // the certified counter value
  std::string attest;     // marshalled TPMS_ATTEST
  std::string signature;  // marshalled TPMT_SIGNATURE
};

namespace tables {

// Number of leaves stored (max seq + 1).
absl::StatusOr<uint64_t> LeafCount(store::Txn& txn);
// Inserts leaf `seq`. ALREADY_EXISTS when that seq is taken.
absl::Status InsertLeaf(store::Txn& txn, uint64_t seq, std::string_view type,
                        std::string_view leaf, std::string_view hashes);
// The bytes of leaf `seq`; NOT_FOUND when absent.
absl::StatusOr<std::string> ReadLeaf(store::Txn& txn, uint64_t seq);
// Calls `fn(seq, leaf)` for each leaf in [from, to), in order; stops at and
// returns fn's first error. DATA_LOSS when a seq in the range is missing.
absl::Status ScanLeaves(store::Txn& txn, uint64_t from, uint64_t to,
                        absl::FunctionRef<absl::Status(uint64_t, std::string_view)> fn);

// Inserts a checkpoint; ALREADY_EXISTS when one of that size is stored.
absl::Status InsertCheckpoint(store::Txn& txn, uint64_t size, std::string_view note);
// The checkpoint of `size`, or nullopt.
absl::StatusOr<std::optional<StoredCheckpoint>> ReadCheckpoint(store::Txn& txn, uint64_t size);
// The largest checkpoint, or nullopt when none is stored.
absl::StatusOr<std::optional<StoredCheckpoint>> ReadLatestCheckpoint(store::Txn& txn);
// Every checkpoint, by increasing size.
absl::StatusOr<std::vector<StoredCheckpoint>> ReadCheckpoints(store::Txn& txn);

// FAILED_PRECONDITION when no checkpoint of that size is stored;
// ALREADY_EXISTS when evidence for that counter is.
absl::Status InsertAnchorEvidence(store::Txn& txn, const AnchorEvidence& evidence);
absl::StatusOr<std::vector<AnchorEvidence>> ReadAnchorEvidence(store::Txn& txn,
                                                               uint64_t checkpoint_size);

}  // namespace tables
}  // namespace breakglass::audit

#endif  // BREAKGLASS_VAULT_AUDIT_LOG_TABLES_H_
