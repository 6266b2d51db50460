// AuditLog: the append-only, tamper-evident audit log of DESIGN.md "Audit
// log". Each event is one leaf of an RFC 9162 Merkle tree (vault/merkle);
// leaves and the hashes of complete subtrees are stored in the breakglass
// state file (log_tables.h) through the group-commit TransactionRunner.
//
// Appending joins the caller's unit of work: a state change and the event that
// records it are one unit, so they commit together or not at all, and many
// concurrent appenders share one fsync. Sequence numbers are the leaf indices:
// gap-free, assigned in commit order by the single writer.
//
// Roots and proofs come from stored subtree hashes: O(log n) primary-key reads,
// never a rebuild. Reads without a Txn run in a read snapshot of the committed
// log; the overloads taking a Txn see what that transaction sees.
//
// Checkpoints and TPM anchor evidence are stored here, but this class neither
// formats nor signs checkpoints, nor talks to a TPM: the anchoring code
// (DESIGN.md "Anchoring in the TPM") appends its `anchor` event with Append,
// signs a C2SP note over Root(size), and records it with StoreCheckpoint and
// StoreAnchorEvidence — in that order, each step durable before the next.
//
// Thread-safety: all methods are safe to call from many threads. Append is
// called from units of work (the runner's writer thread). One AuditLog per
// database: it caches the tree's frontier for appends.
#ifndef BREAKGLASS_VAULT_AUDIT_LOG_H_
#define BREAKGLASS_VAULT_AUDIT_LOG_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "vault/audit/event.h"
#include "vault/audit/log_tables.h"
#include "vault/base/clock.h"
#include "vault/merkle/frontier.h"
#include "vault/merkle/proof.h"
#include "vault/store/transaction_runner.h"

namespace breakglass::audit {

class AuditLog final {
 public:
  // The schema steps to pass to TransactionRunner::Open (component "audit").
  static std::vector<store::sqlite::Migration> Migrations() { return AuditLogMigrations(); }

  // An audit log over `runner`'s database, stamping events with `clock`. Both
  // are borrowed and must outlive the log. FAILED_PRECONDITION when the
  // runner's database lacks the audit tables (open it with Migrations()).
  static absl::StatusOr<std::unique_ptr<AuditLog>> Create(store::TransactionRunner* runner,
                                                          const base::Clock* clock);

  // Appends `event` as the next leaf inside `txn` (a unit's write
  // transaction), setting its seq and time. Returns the seq (= leaf index).
  // The leaf is durable when the unit's Run returns OK; if the unit or its
  // batch fails, the leaf is gone and the seq will be reused.
  // Errors: INVALID_ARGUMENT from Event::Canonical (nothing written);
  // FAILED_PRECONDITION for a read-only txn; store errors.
  absl::StatusOr<uint64_t> Append(store::Txn& txn, Event event);
  // Appends `event` in a unit of its own and waits until it is durable.
  absl::StatusOr<uint64_t> Append(Event event);

  // Number of leaves.
  absl::StatusOr<uint64_t> Size();
  absl::StatusOr<uint64_t> Size(store::Txn& txn);

  // MTH of the first `size` leaves (RFC 9162 §2.1.1). OUT_OF_RANGE when the
  // log is smaller.
  absl::StatusOr<merkle::Hash> Root(uint64_t size);
  absl::StatusOr<merkle::Hash> Root(store::Txn& txn, uint64_t size);

  // The exact bytes of leaf `index`. NOT_FOUND when index >= Size().
  absl::StatusOr<std::string> Leaf(uint64_t index);
  absl::StatusOr<std::string> Leaf(store::Txn& txn, uint64_t index);
  // Leaves [from, to), in order. OUT_OF_RANGE unless from <= to <= Size().
  absl::StatusOr<std::vector<std::string>> Leaves(uint64_t from, uint64_t to);
  // Streams leaves [from, to) to `fn(index, bytes)` (bytes valid during the
  // call), for exports too large to hold. Stops at fn's first error.
  absl::Status ScanLeaves(store::Txn& txn, uint64_t from, uint64_t to,
                          absl::FunctionRef<absl::Status(uint64_t, std::string_view)> fn);

  // PATH(index, D[0:size]) (RFC 9162 §2.1.3.1). OUT_OF_RANGE when size >
  // Size(); INVALID_ARGUMENT unless index < size.
  absl::StatusOr<merkle::Proof> InclusionProof(uint64_t index, uint64_t size);
  absl::StatusOr<merkle::Proof> InclusionProof(store::Txn& txn, uint64_t index, uint64_t size);
  // PROOF(old_size, D[0:new_size]) (RFC 9162 §2.1.4.1). OUT_OF_RANGE when
  // new_size > Size(); INVALID_ARGUMENT unless 0 < old_size <= new_size.
  absl::StatusOr<merkle::Proof> ConsistencyProof(uint64_t old_size, uint64_t new_size);
  absl::StatusOr<merkle::Proof> ConsistencyProof(store::Txn& txn, uint64_t old_size,
                                                 uint64_t new_size);

  // Records the signed checkpoint note `note_text` (C2SP tlog-checkpoint body
  // then signatures; stored byte for byte) for the first `size` leaves. The
  // body's size line must equal `size` and its root line the log's root at
  // that size — a checkpoint that disagrees with the log is never stored.
  // Storing the same note again is a no-op. Errors: OUT_OF_RANGE (log smaller
  // than size), INVALID_ARGUMENT (malformed body, or its size/root disagree,
  // naming which), ALREADY_EXISTS (a different note is stored for size).
  absl::Status StoreCheckpoint(store::Txn& txn, uint64_t size, std::string_view note_text);
  // The checkpoint with the largest size. NOT_FOUND when none is stored.
  absl::StatusOr<StoredCheckpoint> LatestCheckpoint();
  absl::StatusOr<StoredCheckpoint> LatestCheckpoint(store::Txn& txn);
  // The checkpoint of `size`. NOT_FOUND when none is stored.
  absl::StatusOr<StoredCheckpoint> CheckpointAt(uint64_t size);
  absl::StatusOr<StoredCheckpoint> CheckpointAt(store::Txn& txn, uint64_t size);
  // Every stored checkpoint, by increasing size.
  absl::StatusOr<std::vector<StoredCheckpoint>> Checkpoints();

  // Records TPM evidence for an anchored checkpoint (stored verbatim, not
  // verified here). FAILED_PRECONDITION when that checkpoint is not stored;
  // ALREADY_EXISTS when evidence for the same counter is.
  absl::Status StoreAnchorEvidence(store::Txn& txn, const AnchorEvidence& evidence);
  // The evidence for checkpoint `size`, by counter label (empty if none).
  absl::StatusOr<std::vector<AnchorEvidence>> AnchorEvidenceAt(uint64_t checkpoint_size);

 private:
  AuditLog(store::TransactionRunner* runner, const base::Clock* clock)
      : runner_(runner), clock_(clock) {}
  absl::Status LoadFrontier(store::Txn& txn) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ForgetFrontier();
  absl::Status CheckSize(store::Txn& txn, uint64_t size);
  template <typename T>
  absl::StatusOr<T> InSnapshot(absl::FunctionRef<absl::StatusOr<T>(store::Txn&)> fn);

  store::TransactionRunner* const runner_;
  const base::Clock* const clock_;

  absl::Mutex mu_;
  // The frontier of the tree as the writer's open transaction sees it; empty
  // when unknown (at start, or after a rollback) and reloaded from the store.
  std::optional<merkle::Frontier> frontier_ ABSL_GUARDED_BY(mu_);
  merkle::TreeHasher hasher_ ABSL_GUARDED_BY(mu_);
  // Scratch space reused by Append.
  std::vector<merkle::Subtree> completed_ ABSL_GUARDED_BY(mu_);
  std::string hashes_ ABSL_GUARDED_BY(mu_);
};

}  // namespace breakglass::audit

#endif  // BREAKGLASS_VAULT_AUDIT_LOG_H_
