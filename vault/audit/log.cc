#include "vault/audit/log.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"
#include "vault/merkle/checkpoint.h"

namespace breakglass::audit {
namespace {

// The checkpoint in a signed note: the text before the last blank line
// (C2SP signed-note), parsed strictly as a tlog-checkpoint. Signatures are not
// checked here: the signer checks its own output (merkle::NoteSigner::Sign).
absl::StatusOr<merkle::Checkpoint> CheckpointInNote(std::string_view note) {
  const size_t blank = note.rfind("\n\n");
  if (blank == std::string_view::npos || blank + 2 >= note.size()) {
    return absl::InvalidArgumentError(
        "checkpoint: not a signed note (text, blank line, signature lines)");
  }
  return merkle::ParseCheckpoint(note.substr(0, blank + 1));
}

absl::Status NotStored(std::string_view what) {
  return absl::NotFoundError(absl::StrCat("audit log: no ", std::string(what), " is stored"));
}

}  // namespace

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Create(store::TransactionRunner* runner,
                                                           const base::Clock* clock) {
  auto log = std::unique_ptr<AuditLog>(new AuditLog(runner, clock));
  const absl::Status probe =
      runner->Read([](store::Txn& txn) { return tables::LeafCount(txn).status(); });
  if (!probe.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("audit log: the database has no audit tables (open the TransactionRunner "
                     "with AuditLog::Migrations()): ",
                     std::string(probe.message())));
  }
  return log;
}

template <typename T>
absl::StatusOr<T> AuditLog::InSnapshot(absl::FunctionRef<absl::StatusOr<T>(store::Txn&)> fn) {
  absl::StatusOr<T> out = absl::InternalError("audit log: read did not run");
  const absl::Status status = runner_->Read([&](store::Txn& txn) {
    out = fn(txn);
    return out.status();
  });
  if (!status.ok()) return status;
  return out;
}

// ---- appending ----

absl::Status AuditLog::LoadFrontier(store::Txn& txn) {
  if (frontier_.has_value()) return absl::OkStatus();
  BG_ASSIGN_OR_RETURN(const uint64_t size, tables::LeafCount(txn));
  StoredSubtrees reader(txn);
  BG_ASSIGN_OR_RETURN(merkle::Frontier frontier, merkle::Frontier::Restore(size, reader));
  frontier_ = std::move(frontier);
  return absl::OkStatus();
}

void AuditLog::ForgetFrontier() {
  absl::MutexLock lock(&mu_);
  frontier_.reset();
}

absl::StatusOr<uint64_t> AuditLog::Append(store::Txn& txn, Event event) {
  if (txn.read_only()) {
    return absl::FailedPreconditionError("audit log: Append needs a write transaction");
  }
  absl::MutexLock lock(&mu_);
  BG_RETURN_IF_ERROR(base::Annotate(LoadFrontier(txn), "audit log: loading the tree"));
  const uint64_t seq = frontier_->size();
  event.set_seq(seq).set_time(clock_->Now());
  BG_ASSIGN_OR_RETURN(const std::string leaf, event.Canonical());
  completed_.clear();
  BG_RETURN_IF_ERROR(frontier_->Append(hasher_.Leaf(leaf), &completed_));
  hashes_.clear();
  for (const merkle::Subtree& s : completed_) hashes_.append(merkle::HashBytes(s.hash));
  const absl::Status inserted =
      tables::InsertLeaf(txn, seq, EventTypeName(event.type()), leaf, hashes_);
  if (!inserted.ok()) {
    frontier_.reset();  // the frontier moved, the store did not
    return base::Annotate(inserted, absl::StrCat("audit log: appending leaf ", seq));
  }
  txn.OnRollback([this] { ForgetFrontier(); });
  return seq;
}

absl::StatusOr<uint64_t> AuditLog::Append(Event event) {
  uint64_t seq = 0;
  BG_RETURN_IF_ERROR(runner_->Run([&](store::Txn& txn) -> absl::Status {
    BG_ASSIGN_OR_RETURN(seq, Append(txn, std::move(event)));
    return absl::OkStatus();
  }));
  return seq;
}

// ---- tree reads ----

absl::StatusOr<uint64_t> AuditLog::Size() {
  return InSnapshot<uint64_t>([&](store::Txn& txn) { return Size(txn); });
}

absl::StatusOr<uint64_t> AuditLog::Size(store::Txn& txn) { return tables::LeafCount(txn); }

absl::Status AuditLog::CheckSize(store::Txn& txn, uint64_t size) {
  BG_ASSIGN_OR_RETURN(const uint64_t have, tables::LeafCount(txn));
  if (size <= have) return absl::OkStatus();
  return absl::OutOfRangeError(
      absl::StrCat("audit log has ", have, " leaves; asked about a tree of ", size));
}

absl::StatusOr<merkle::Hash> AuditLog::Root(uint64_t size) {
  return InSnapshot<merkle::Hash>([&](store::Txn& txn) { return Root(txn, size); });
}

absl::StatusOr<merkle::Hash> AuditLog::Root(store::Txn& txn, uint64_t size) {
  BG_RETURN_IF_ERROR(CheckSize(txn, size));
  StoredSubtrees reader(txn);
  return merkle::RootAt(size, reader);
}

absl::StatusOr<std::string> AuditLog::Leaf(uint64_t index) {
  return InSnapshot<std::string>([&](store::Txn& txn) { return Leaf(txn, index); });
}

absl::StatusOr<std::string> AuditLog::Leaf(store::Txn& txn, uint64_t index) {
  return tables::ReadLeaf(txn, index);
}

absl::StatusOr<std::vector<std::string>> AuditLog::Leaves(uint64_t from, uint64_t to) {
  using Out = std::vector<std::string>;
  return InSnapshot<Out>([&](store::Txn& txn) -> absl::StatusOr<Out> {
    Out out;
    BG_RETURN_IF_ERROR(ScanLeaves(txn, from, to, [&](uint64_t, std::string_view leaf) {
      out.emplace_back(leaf);
      return absl::OkStatus();
    }));
    return out;
  });
}

absl::Status AuditLog::ScanLeaves(store::Txn& txn, uint64_t from, uint64_t to,
                                  absl::FunctionRef<absl::Status(uint64_t, std::string_view)> fn) {
  BG_RETURN_IF_ERROR(CheckSize(txn, to));
  if (from > to) {
    return absl::OutOfRangeError(absl::StrCat("audit log: leaf range [", from, ", ", to, ")"));
  }
  return tables::ScanLeaves(txn, from, to, fn);
}

absl::StatusOr<merkle::Proof> AuditLog::InclusionProof(uint64_t index, uint64_t size) {
  return InSnapshot<merkle::Proof>(
      [&](store::Txn& txn) { return InclusionProof(txn, index, size); });
}

absl::StatusOr<merkle::Proof> AuditLog::InclusionProof(store::Txn& txn, uint64_t index,
                                                       uint64_t size) {
  BG_RETURN_IF_ERROR(CheckSize(txn, size));
  StoredSubtrees reader(txn);
  return merkle::InclusionProof(index, size, reader);
}

absl::StatusOr<merkle::Proof> AuditLog::ConsistencyProof(uint64_t old_size, uint64_t new_size) {
  return InSnapshot<merkle::Proof>(
      [&](store::Txn& txn) { return ConsistencyProof(txn, old_size, new_size); });
}

absl::StatusOr<merkle::Proof> AuditLog::ConsistencyProof(store::Txn& txn, uint64_t old_size,
                                                         uint64_t new_size) {
  BG_RETURN_IF_ERROR(CheckSize(txn, new_size));
  StoredSubtrees reader(txn);
  return merkle::ConsistencyProof(old_size, new_size, reader);
}

// ---- checkpoints and anchor evidence ----

absl::Status AuditLog::StoreCheckpoint(store::Txn& txn, uint64_t size,
                                       std::string_view note_text) {
  BG_RETURN_IF_ERROR(CheckSize(txn, size));
  BG_ASSIGN_OR_RETURN(const merkle::Checkpoint head, CheckpointInNote(note_text));
  if (head.size != size) {
    return absl::InvalidArgumentError(absl::StrCat("checkpoint: the note states size ",
                                                   head.size, ", not ", size));
  }
  BG_ASSIGN_OR_RETURN(const merkle::Hash root, Root(txn, size));
  if (head.root != root) {
    return absl::InvalidArgumentError(absl::StrCat(
        "checkpoint: the note's root differs from the log's root at size ", size));
  }
  BG_ASSIGN_OR_RETURN(const auto existing, tables::ReadCheckpoint(txn, size));
  if (existing.has_value()) {
    if (existing->note == note_text) return absl::OkStatus();
    return absl::AlreadyExistsError(
        absl::StrCat("checkpoint: a different note is already stored for size ", size));
  }
  return tables::InsertCheckpoint(txn, size, note_text);
}

absl::StatusOr<StoredCheckpoint> AuditLog::LatestCheckpoint() {
  return InSnapshot<StoredCheckpoint>([&](store::Txn& txn) { return LatestCheckpoint(txn); });
}

absl::StatusOr<StoredCheckpoint> AuditLog::LatestCheckpoint(store::Txn& txn) {
  BG_ASSIGN_OR_RETURN(auto cp, tables::ReadLatestCheckpoint(txn));
  if (!cp.has_value()) return NotStored("checkpoint");
  return *std::move(cp);
}

absl::StatusOr<StoredCheckpoint> AuditLog::CheckpointAt(uint64_t size) {
  return InSnapshot<StoredCheckpoint>([&](store::Txn& txn) { return CheckpointAt(txn, size); });
}

absl::StatusOr<StoredCheckpoint> AuditLog::CheckpointAt(store::Txn& txn, uint64_t size) {
  BG_ASSIGN_OR_RETURN(auto cp, tables::ReadCheckpoint(txn, size));
  if (!cp.has_value()) return NotStored(absl::StrCat("checkpoint of size ", size));
  return *std::move(cp);
}

absl::StatusOr<std::vector<StoredCheckpoint>> AuditLog::Checkpoints() {
  return InSnapshot<std::vector<StoredCheckpoint>>(
      [&](store::Txn& txn) { return tables::ReadCheckpoints(txn); });
}

absl::Status AuditLog::StoreAnchorEvidence(store::Txn& txn, const AnchorEvidence& evidence) {
  BG_ASSIGN_OR_RETURN(const auto cp, tables::ReadCheckpoint(txn, evidence.checkpoint_size));
  if (!cp.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat("anchor evidence: no checkpoint of size ", evidence.checkpoint_size,
                     " is stored; store the checkpoint first"));
  }
  return tables::InsertAnchorEvidence(txn, evidence);
}

absl::StatusOr<std::vector<AnchorEvidence>> AuditLog::AnchorEvidenceAt(uint64_t checkpoint_size) {
  return InSnapshot<std::vector<AnchorEvidence>>(
      [&](store::Txn& txn) { return tables::ReadAnchorEvidence(txn, checkpoint_size); });
}

}  // namespace breakglass::audit
