#include "vault/audit/log_tables.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"

namespace breakglass::audit {
namespace {

constexpr char kSchemaV1[] = R"sql(
CREATE TABLE audit_leaves (
  seq INTEGER PRIMARY KEY CHECK (seq >= 0),
  type TEXT NOT NULL,
  leaf BLOB NOT NULL,
  hashes BLOB NOT NULL CHECK (length(hashes) >= 32 AND length(hashes) % 32 = 0)
) STRICT;
CREATE TABLE audit_checkpoints (
  size INTEGER PRIMARY KEY CHECK (size >= 0),
  note TEXT NOT NULL
) STRICT;
CREATE TABLE audit_anchor_evidence (
  checkpoint_size INTEGER NOT NULL REFERENCES audit_checkpoints(size),
  counter TEXT NOT NULL,
  value INTEGER NOT NULL CHECK (value >= 0),
  attest BLOB NOT NULL,
  signature BLOB NOT NULL,
  PRIMARY KEY (checkpoint_size, counter)
) STRICT, WITHOUT ROWID;
)sql";

constexpr uint64_t kMaxSqliteInt = std::numeric_limits<int64_t>::max();

// The row that holds subtree `id`: its last leaf. nullopt when that leaf
// index is beyond what the store can hold (so the subtree cannot exist).
std::optional<uint64_t> RowOf(const merkle::NodeId& id) {
  if (id.level > 63) return std::nullopt;
  const uint64_t width = uint64_t{1} << id.level;
  if (id.index > (kMaxSqliteInt - (width - 1)) / width) return std::nullopt;
  return id.index * width + (width - 1);
}

absl::StatusOr<merkle::Hash> HashInRow(const merkle::NodeId& id, std::string_view hashes) {
  const size_t offset = size_t{id.level} * merkle::kHashSize;
  if (hashes.size() < offset + merkle::kHashSize) {
    return absl::DataLossError(absl::StrCat("audit log: the row of subtree ", id.ToString(),
                                            " lacks its hash; the store is damaged"));
  }
  return merkle::HashFromBytes(hashes.substr(offset, merkle::kHashSize), "subtree hash");
}

absl::Status NoSubtree(const merkle::NodeId& id) {
  return absl::NotFoundError(
      absl::StrCat("audit log: subtree ", id.ToString(), " is not stored (tree too small)"));
}

StoredCheckpoint CheckpointRow(const store::sqlite::Statement& stmt) {
  return {static_cast<uint64_t>(stmt.ColumnInt64(0)), stmt.ColumnText(1)};
}

absl::StatusOr<std::optional<StoredCheckpoint>> OneCheckpoint(store::sqlite::Statement& stmt) {
  BG_ASSIGN_OR_RETURN(const bool row, stmt.Step());
  if (!row) return std::nullopt;
  return CheckpointRow(stmt);
}

}  // namespace

std::vector<store::sqlite::Migration> AuditLogMigrations() { return {{"audit", 1, kSchemaV1}}; }

absl::StatusOr<merkle::Hash> StoredSubtrees::Get(const merkle::NodeId& id) {
  BG_ASSIGN_OR_RETURN(std::vector<merkle::Hash> one, GetMany({id}));
  return one.front();
}

absl::StatusOr<std::vector<merkle::Hash>> StoredSubtrees::GetMany(
    absl::Span<const merkle::NodeId> ids) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn_.Prepare("SELECT hashes FROM audit_leaves WHERE seq = ?"));
  std::vector<merkle::Hash> out;
  out.reserve(ids.size());
  for (const merkle::NodeId& id : ids) {
    const std::optional<uint64_t> seq = RowOf(id);
    if (!seq.has_value()) return NoSubtree(id);
    stmt->Reset();
    stmt->BindUint64(1, *seq);
    BG_ASSIGN_OR_RETURN(const bool row, stmt->Step());
    if (!row) return NoSubtree(id);
    BG_ASSIGN_OR_RETURN(merkle::Hash h, HashInRow(id, stmt->ColumnView(0)));
    out.push_back(h);
  }
  return out;
}

namespace tables {

absl::StatusOr<uint64_t> LeafCount(store::Txn& txn) {
  BG_ASSIGN_OR_RETURN(const int64_t n,
                      txn.QueryInt64("SELECT coalesce(max(seq) + 1, 0) FROM audit_leaves"));
  return static_cast<uint64_t>(n);
}

absl::Status InsertLeaf(store::Txn& txn, uint64_t seq, std::string_view type,
                        std::string_view leaf, std::string_view hashes) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("INSERT INTO audit_leaves(seq, type, leaf, hashes) "
                                             "VALUES (?, ?, ?, ?)"));
  stmt->BindUint64(1, seq).BindText(2, type).BindBlob(3, leaf).BindBlob(4, hashes);
  return stmt->Run();
}

absl::StatusOr<std::string> ReadLeaf(store::Txn& txn, uint64_t seq) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("SELECT leaf FROM audit_leaves WHERE seq = ?"));
  stmt->BindUint64(1, seq);
  BG_ASSIGN_OR_RETURN(const bool row, stmt->Step());
  if (!row) return absl::NotFoundError(absl::StrCat("audit log has no leaf ", seq));
  return stmt->ColumnBlob(0);
}

absl::Status ScanLeaves(store::Txn& txn, uint64_t from, uint64_t to,
                        absl::FunctionRef<absl::Status(uint64_t, std::string_view)> fn) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("SELECT seq, leaf FROM audit_leaves "
                                             "WHERE seq >= ? AND seq < ? ORDER BY seq"));
  stmt->BindUint64(1, from).BindUint64(2, to);
  uint64_t want = from;
  for (;; ++want) {
    BG_ASSIGN_OR_RETURN(const bool row, stmt->Step());
    if (!row) break;
    if (static_cast<uint64_t>(stmt->ColumnInt64(0)) != want) break;
    BG_RETURN_IF_ERROR(fn(want, stmt->ColumnView(1)));
  }
  if (want != to) {
    return absl::DataLossError(absl::StrCat("audit log: leaf ", want, " is missing"));
  }
  return absl::OkStatus();
}

absl::Status InsertCheckpoint(store::Txn& txn, uint64_t size, std::string_view note) {
  BG_ASSIGN_OR_RETURN(auto stmt,
                      txn.Prepare("INSERT INTO audit_checkpoints(size, note) VALUES (?, ?)"));
  stmt->BindUint64(1, size).BindText(2, note);
  return stmt->Run();
}

absl::StatusOr<std::optional<StoredCheckpoint>> ReadCheckpoint(store::Txn& txn, uint64_t size) {
  BG_ASSIGN_OR_RETURN(auto stmt,
                      txn.Prepare("SELECT size, note FROM audit_checkpoints WHERE size = ?"));
  stmt->BindUint64(1, size);
  return OneCheckpoint(*stmt);
}

absl::StatusOr<std::optional<StoredCheckpoint>> ReadLatestCheckpoint(store::Txn& txn) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("SELECT size, note FROM audit_checkpoints "
                                             "ORDER BY size DESC LIMIT 1"));
  return OneCheckpoint(*stmt);
}

absl::StatusOr<std::vector<StoredCheckpoint>> ReadCheckpoints(store::Txn& txn) {
  BG_ASSIGN_OR_RETURN(auto stmt,
                      txn.Prepare("SELECT size, note FROM audit_checkpoints ORDER BY size"));
  std::vector<StoredCheckpoint> out;
  for (;;) {
    BG_ASSIGN_OR_RETURN(const bool row, stmt->Step());
    if (!row) return out;
    out.push_back(CheckpointRow(*stmt));
  }
}

absl::Status InsertAnchorEvidence(store::Txn& txn, const AnchorEvidence& e) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("INSERT INTO audit_anchor_evidence(checkpoint_size, "
                                             "counter, value, attest, signature) "
                                             "VALUES (?, ?, ?, ?, ?)"));
  stmt->BindUint64(1, e.checkpoint_size).BindText(2, e.counter).BindUint64(3, e.value);
  stmt->BindBlob(4, e.attest).BindBlob(5, e.signature);
  return stmt->Run();
}

absl::StatusOr<std::vector<AnchorEvidence>> ReadAnchorEvidence(store::Txn& txn,
                                                               uint64_t checkpoint_size) {
  BG_ASSIGN_OR_RETURN(auto stmt,
                      txn.Prepare("SELECT counter, value, attest, signature FROM "
                                  "audit_anchor_evidence WHERE checkpoint_size = ? "
                                  "ORDER BY counter"));
  stmt->BindUint64(1, checkpoint_size);
  std::vector<AnchorEvidence> out;
  for (;;) {
    BG_ASSIGN_OR_RETURN(const bool row, stmt->Step());
    if (!row) return out;
    out.push_back({checkpoint_size, stmt->ColumnText(0),
                   static_cast<uint64_t>(stmt->ColumnInt64(1)), stmt->ColumnBlob(2),
                   stmt->ColumnBlob(3)});
  }
}

}  // namespace tables
}  // namespace breakglass::audit
