#include "vault/audit/rollback_clear.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "vault/audit/log_tables.h"
#include "vault/base/encoding.h"
#include "vault/base/status.h"
#include "vault/crypto/sha256.h"

namespace breakglass::audit {
namespace {

using nlohmann::json;

absl::Status BadField(std::string_view field, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("rollback_cleared event: field '", std::string(field), "' ", std::string(why)));
}

std::string CheckpointLine(const RollbackFacts& f) {
  if (f.checkpoint_sha256_hex.empty()) return "latest checkpoint: none\n";
  return absl::StrCat("latest checkpoint: size ", f.checkpoint_size, ", note sha256 ",
                      f.checkpoint_sha256_hex, "\n");
}

std::string CounterLine(const CounterCheck& c) {
  return absl::StrCat("counter ", c.counter, ": log states ", c.log_value, ", TPM holds ",
                      c.tpm_value, "; re-baseline counter ", c.counter, " to ", c.tpm_value, "\n");
}

json ApprovalsJson(const std::vector<ClearApproval>& approvals) {
  json out = json::array();
  for (const ClearApproval& a : approvals) {
    out.push_back({{"custodian", a.custodian},
                   {"key_pem", a.key_pem},
                   {"key_fingerprint", a.key_fingerprint},
                   {"signature", base::Base64Encode(a.signature)}});
  }
  return out;
}

absl::Status CheckRecord(const RollbackFacts& facts, const RollbackClearRecord& record) {
  if (record.statement != facts.Statement()) {
    return absl::InvalidArgumentError(
        "rollback clear: the approved statement is not the statement of these facts");
  }
  if (record.required == 0 || record.approvals.size() < record.required) {
    return absl::InvalidArgumentError(absl::StrCat("rollback clear: ", record.approvals.size(),
                                                   " approvals, ", record.required,
                                                   " required (at least 1)"));
  }
  for (const ClearApproval& a : record.approvals) {
    if (a.custodian.empty() || a.key_pem.empty() || a.key_fingerprint.empty() ||
        a.signature.empty()) {
      return absl::InvalidArgumentError("rollback clear: an approval has an empty field");
    }
  }
  return absl::OkStatus();
}

}  // namespace

bool RollbackFacts::disagrees() const {
  for (const CounterCheck& c : counters) {
    if (c.verdict == CounterVerdict::kRollback) return true;
  }
  return false;
}

std::string RollbackFacts::Statement() const {
  std::string out =
      absl::StrCat(std::string(kRollbackClearHeader), "\n", "origin: ", origin, "\n", "log: size ",
                   log_size, ", root ", log_root_hex, "\n", CheckpointLine(*this));
  for (const CounterCheck& c : counters) out += CounterLine(c);
  return out;
}

AnchorStatement RollbackFacts::Baseline() const {
  AnchorStatement s{AnchorKind::kRoutine, 0, 0};
  for (const CounterCheck& c : counters) {
    (c.counter == kReleaseCounterLabel ? s.release_counter : s.checkpoint_counter) = c.tpm_value;
  }
  return s;
}

absl::StatusOr<RollbackFacts> ReadRollbackFacts(AuditLog& log, store::Txn& txn,
                                                std::string_view origin,
                                                tpm::MonotonicCounter& checkpoint,
                                                tpm::MonotonicCounter& release) {
  BG_ASSIGN_OR_RETURN(const std::optional<LocatedAnchor> last, FindLastAnchor(log, txn));
  if (!last.has_value()) {
    return absl::FailedPreconditionError(
        "anchor: the audit log holds no anchor leaf: the appliance is not provisioned");
  }
  RollbackFacts f;
  f.origin = std::string(origin);
  BG_ASSIGN_OR_RETURN(f.log_size, log.Size(txn));
  BG_ASSIGN_OR_RETURN(const merkle::Hash root, log.Root(txn, f.log_size));
  f.log_root_hex = base::HexEncode(merkle::HashBytes(root));
  BG_ASSIGN_OR_RETURN(const std::optional<StoredCheckpoint> latest,
                      tables::ReadLatestCheckpoint(txn));
  if (latest.has_value()) {
    f.checkpoint_size = latest->size;
    f.checkpoint_sha256_hex = base::HexEncode(crypto::Sha256String(latest->note));
  }
  BG_ASSIGN_OR_RETURN(f.counters,
                      CheckCounters(last->statement, checkpoint, release, last->baseline));
  return f;
}

absl::StatusOr<Event> RollbackClearedEvent(const RollbackFacts& facts,
                                           const RollbackClearRecord& record) {
  BG_RETURN_IF_ERROR(CheckRecord(facts, record));
  json counters = json::object();
  for (const CounterCheck& c : facts.counters) {
    counters[c.counter] = {{"log_value", c.log_value}, {"tpm_value", c.tpm_value}};
  }
  const AnchorStatement baseline = facts.Baseline();
  Event e(EventType::kRollbackCleared);
  e.set_actor(record.approvals.back().custodian)
      .set_subject("tpm counters")
      .set_reason("quorum-approved rollback clear")
      .Set("statement", record.statement)
      .Set("required_approvals", record.required)
      .Set("approvals", ApprovalsJson(record.approvals))
      .Set("counters", std::move(counters))
      .Set("checkpoint_counter", baseline.checkpoint_counter)
      .Set("release_counter", baseline.release_counter);
  return e;
}

absl::StatusOr<AnchorStatement> ParseRollbackClearedBaseline(const Event& event) {
  if (event.type() != EventType::kRollbackCleared) {
    return absl::InvalidArgumentError(
        absl::StrCat("leaf ", event.seq(), " is not a rollback_cleared event"));
  }
  AnchorStatement s{AnchorKind::kRoutine, 0, 0};
  for (auto [key, value] : {std::pair{"checkpoint_counter", &s.checkpoint_counter},
                            std::pair{"release_counter", &s.release_counter}}) {
    auto it = event.fields().find(key);
    if (it == event.fields().end() || !it->second.is_number_integer() ||
        it->second.get<int64_t>() < 0) {
      return BadField(key, "is missing or not a non-negative integer");
    }
    *value = it->second.get<uint64_t>();
  }
  return s;
}

}  // namespace breakglass::audit
