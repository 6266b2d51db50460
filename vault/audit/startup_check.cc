#include "vault/audit/startup_check.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "vault/audit/rollback_clear.h"
#include "vault/base/status.h"

namespace breakglass::audit {
namespace {

absl::StatusOr<uint64_t> ReadCounter(tpm::MonotonicCounter& counter) {
  absl::StatusOr<uint64_t> value = counter.Read();
  if (!value.ok()) {
    return base::Annotate(value.status(), absl::StrCat("tpm (", counter.Label(), " counter): reading"));
  }
  return *value;
}

}  // namespace

absl::StatusOr<std::optional<LocatedAnchor>> FindLastAnchor(AuditLog& log, store::Txn& txn) {
  BG_ASSIGN_OR_RETURN(const uint64_t size, log.Size(txn));
  for (uint64_t i = size; i > 0; --i) {
    BG_ASSIGN_OR_RETURN(const std::string leaf, log.Leaf(txn, i - 1));
    absl::StatusOr<Event> event = Event::Parse(leaf);
    if (!event.ok()) return base::Annotate(event.status(), absl::StrCat("audit leaf ", i - 1));
    if (event->type() == EventType::kRollbackCleared) {
      BG_ASSIGN_OR_RETURN(AnchorStatement s, ParseRollbackClearedBaseline(*event));
      return LocatedAnchor{i - 1, s, /*baseline=*/true};
    }
    if (event->type() != EventType::kAnchor) continue;
    BG_ASSIGN_OR_RETURN(AnchorStatement s, ParseAnchorEvent(*event));
    return LocatedAnchor{i - 1, s};
  }
  return std::nullopt;
}

absl::StatusOr<ProvisionRecord> ReadProvision(AuditLog& log, store::Txn& txn) {
  BG_ASSIGN_OR_RETURN(const uint64_t size, log.Size(txn));
  if (size == 0) {
    return absl::FailedPreconditionError(
        "anchor: the audit log is empty: the appliance is not provisioned (run provisioning)");
  }
  BG_ASSIGN_OR_RETURN(const std::string leaf, log.Leaf(txn, 0));
  BG_ASSIGN_OR_RETURN(const Event event, Event::Parse(leaf));
  if (event.type() != EventType::kProvision) {
    return absl::FailedPreconditionError(
        "anchor: leaf 0 of the audit log is not a provision event: this log was not "
        "provisioned for TPM anchoring");
  }
  BG_ASSIGN_OR_RETURN(ProvisionStatement statement, ParseProvisionEvent(event));
  return ProvisionRecord{std::move(statement), event.time()};
}

CounterDisagreement CounterCheck::Disagreement() const {
  const RollbackProblem problem = log_value < tpm_value ? RollbackProblem::kStoreBehindTpm
                                                        : RollbackProblem::kStoreAheadOfTpm;
  return {counter, log_value, tpm_value, problem};
}

CounterCheck JudgeCounter(std::string_view label, uint64_t log_value, uint64_t tpm_value,
                          bool moved_by_last_anchor) {
  CounterCheck c{std::string(label), log_value, tpm_value, moved_by_last_anchor,
                 CounterVerdict::kRollback};
  if (log_value == tpm_value) {
    c.verdict = CounterVerdict::kInStep;
  } else if (moved_by_last_anchor && tpm_value < log_value && log_value - tpm_value == 1) {
    c.verdict = CounterVerdict::kOneBehind;
  }
  return c;
}

absl::StatusOr<std::vector<CounterCheck>> CheckCounters(const AnchorStatement& last,
                                                        tpm::MonotonicCounter& checkpoint,
                                                        tpm::MonotonicCounter& release,
                                                        bool baseline) {
  std::vector<CounterCheck> out;
  for (tpm::MonotonicCounter* counter : {&release, &checkpoint}) {
    const std::string label = counter->Label();
    BG_ASSIGN_OR_RETURN(const uint64_t t, ReadCounter(*counter));
    const bool moved = !baseline && (label == kCheckpointCounterLabel || last.moves_release());
    out.push_back(JudgeCounter(label, last.ValueOf(label), t, moved));
  }
  return out;
}

}  // namespace breakglass::audit
