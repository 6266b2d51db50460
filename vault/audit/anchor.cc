#include "vault/audit/anchor.h"

#include <algorithm>
#include <future>
#include <utility>

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"

namespace breakglass::audit {
namespace {

constexpr absl::Duration kYear = absl::Hours(24 * 365);

absl::Status CheckOptions(const AnchorOptions& o) {
  if (o.min_interval < absl::ZeroDuration() || o.max_routine_age <= absl::ZeroDuration() ||
      o.tick <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "anchor: min_interval must be >= 0, max_routine_age and tick > 0");
  }
  if (o.yearly_nv_write_budget == 0 || o.budget_warning_percent == 0 ||
      o.budget_warning_percent > 100) {
    return absl::InvalidArgumentError(
        "anchor: yearly_nv_write_budget must be > 0 and budget_warning_percent in 1..100");
  }
  return absl::OkStatus();
}

absl::Status Stopped() {
  return absl::UnavailableError("anchor: the anchorer is stopped; nothing was anchored");
}

}  // namespace

absl::StatusOr<std::unique_ptr<Anchorer>> Anchorer::Create(AnchorDeps deps, const base::Clock* clock,
                                                           AnchorOptions options) {
  BG_RETURN_IF_ERROR(CheckOptions(options));
  if (clock == nullptr) return absl::InvalidArgumentError("anchor: the clock is null");
  BG_ASSIGN_OR_RETURN(std::unique_ptr<AnchorProtocol> protocol,
                      AnchorProtocol::Create(deps, options.origin));
  return std::unique_ptr<Anchorer>(
      new Anchorer(std::move(deps), clock, std::move(options), std::move(protocol)));
}

Anchorer::~Anchorer() { Stop(); }

void Anchorer::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (worker_.joinable()) worker_.join();
}

// ---- start-up ----

absl::StatusOr<StartupReport> Anchorer::Provision(const ProvisionRequest& request) {
  {
    absl::MutexLock lock(&mu_);
    if (started_ || refusal_.has_value()) {
      return absl::FailedPreconditionError("anchor: Provision after Start or Provision");
    }
  }
  return Began(protocol_->Provision(request));
}

absl::StatusOr<StartupReport> Anchorer::Start() {
  {
    absl::MutexLock lock(&mu_);
    if (started_ || refusal_.has_value()) {
      return absl::FailedPreconditionError("anchor: Start after Start or Provision");
    }
  }
  return Began(protocol_->Recover());
}

absl::StatusOr<StartupReport> Anchorer::Began(const absl::StatusOr<AnchorResult>& result) {
  if (!result.ok()) return result.status();
  if (result->rollback.has_value()) return RaiseAlarm(*result->rollback);
  absl::StatusOr<ProvisionRecord> provision = absl::InternalError("not read");
  BG_RETURN_IF_ERROR(base::Annotate(deps_.runner->Read([&](store::Txn& txn) {
    provision = ReadProvision(*deps_.log, txn);
    return provision.status();
  }),
                                    "store: reading the provision leaf"));
  {
    absl::MutexLock lock(&mu_);
    provision_ = *provision;
    last_statement_ = result->anchor.statement;
    started_ = true;
    if (stopping_) return Stopped();
    worker_ = std::thread([this] { WorkerLoop(); });
  }
  CheckBudget();
  return StartupReport{result->anchor.seq, result->checks, result->actions};
}

absl::Status Anchorer::RaiseAlarm(const CounterDisagreement& d) {
  const absl::Status error = RollbackError(d);
  {
    absl::MutexLock lock(&mu_);
    refusal_ = error;
  }
  const absl::StatusOr<uint64_t> seq = deps_.log->Append(RollbackAlarmEvent(d));
  if (options_.on_rollback_alarm) options_.on_rollback_alarm(d);
  if (!seq.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(std::string(error.message()), " [recording the alarm in the audit log failed: ",
                     std::string(seq.status().message()), "]"));
  }
  return error;
}

// ---- leaving a rollback alarm ----

absl::Status Anchorer::CheckStartupAlarm() const {
  absl::MutexLock lock(&mu_);
  if (!refusal_.has_value() || started_) {
    return absl::FailedPreconditionError(
        "anchor: no rollback alarm from the start-up check to clear (an alarm raised while "
        "running is re-checked by a restart)");
  }
  if (stopping_) return Stopped();
  return absl::OkStatus();
}

absl::StatusOr<RollbackFacts> Anchorer::RollbackFactsNow() {
  BG_RETURN_IF_ERROR(CheckStartupAlarm());
  absl::StatusOr<RollbackFacts> facts = absl::InternalError("not read");
  BG_RETURN_IF_ERROR(deps_.runner->Read([&](store::Txn& txn) {
    facts = ReadRollbackFacts(*deps_.log, txn, options_.origin, *deps_.checkpoint_counter,
                              *deps_.release_counter);
    return facts.status();
  }));
  return facts;
}

absl::StatusOr<StartupReport> Anchorer::ClearRollback(const RollbackClearRecord& record) {
  absl::MutexLock serial(&clear_mu_);
  BG_RETURN_IF_ERROR(CheckStartupAlarm());
  const absl::Status committed = deps_.runner->Run([&](store::Txn& txn) -> absl::Status {
    BG_ASSIGN_OR_RETURN(const RollbackFacts facts,
                        ReadRollbackFacts(*deps_.log, txn, options_.origin,
                                          *deps_.checkpoint_counter, *deps_.release_counter));
    if (!facts.disagrees()) {
      return absl::FailedPreconditionError(
          "rollback clear: the counters agree with the log now; nothing to clear (restart "
          "normally)");
    }
    if (facts.Statement() != record.statement) {
      return absl::FailedPreconditionError(absl::StrCat(
          "rollback clear: the log or the TPM changed since the statement was made; nothing "
          "was cleared. The statement now is:\n",
          facts.Statement()));
    }
    BG_ASSIGN_OR_RETURN(Event event, RollbackClearedEvent(facts, record));
    return deps_.log->Append(txn, std::move(event)).status();
  });
  BG_RETURN_IF_ERROR(committed);
  {
    absl::MutexLock lock(&mu_);
    refusal_.reset();
  }
  absl::StatusOr<StartupReport> report = Began(protocol_->Recover());
  if (report.ok() || refusal().has_value()) return report;
  return base::Annotate(report.status(),
                        "rollback clear recorded, but anchoring it failed (the next start of "
                        "the appliance anchors it)");
}

// ---- callers ----

absl::Status Anchorer::Ready(AnchorKind kind) {
  {
    absl::MutexLock lock(&mu_);
    if (refusal_.has_value()) return *refusal_;
    if (stopping_) return Stopped();
    if (!started_) {
      return absl::FailedPreconditionError(
          "anchor: the start-up check has not run (Start or Provision first)");
    }
  }
  std::vector<tpm::MonotonicCounter*> counters = {deps_.checkpoint_counter};
  if (kind != AnchorKind::kRoutine) counters.push_back(deps_.release_counter);
  for (tpm::MonotonicCounter* counter : counters) {
    const absl::Status read = counter->Read().status();
    if (!read.ok()) {
      return base::Annotate(read, absl::StrCat("tpm (", counter->Label(), " counter)"));
    }
  }
  return base::Annotate(deps_.signer->PublicKey().status(), "hsm (log signer)");
}

absl::Status Anchorer::Refusal() const {
  if (refusal_.has_value()) return *refusal_;
  if (stopping_) return Stopped();
  if (!started_) {
    return absl::FailedPreconditionError(
        "anchor: the start-up check has not run (Start or Provision first)");
  }
  return absl::OkStatus();
}

absl::Status Anchorer::Wait(Waiter& waiter) {
  absl::MutexLock lock(&mu_);
  BG_RETURN_IF_ERROR(Refusal());
  waiters_.push_back(&waiter);
  mu_.Await(absl::Condition(&waiter.done));
  return absl::OkStatus();
}

absl::Status Anchorer::AnchorNow(AnchorKind kind) {
  if (kind == AnchorKind::kGenesis) {
    return absl::InvalidArgumentError("anchor: AnchorNow takes routine or release");
  }
  Waiter waiter;
  waiter.kind = kind;
  BG_RETURN_IF_ERROR(Wait(waiter));
  return waiter.status;
}

AnchoredCommit Anchorer::CommitAndAnchor(AnchorKind kind, store::Unit unit) {
  if (kind == AnchorKind::kGenesis) {
    return {absl::InvalidArgumentError("anchor: CommitAndAnchor takes routine or release"), {}};
  }
  Waiter waiter;
  waiter.kind = kind;
  waiter.unit = &unit;
  const absl::Status refused = Wait(waiter);
  if (refused.ok() && waiter.unit_ran) return {waiter.committed, waiter.status};
  if (refused.ok()) return {waiter.status, {}};  // stopped before the unit ran
  // No anchor can start: the unit is committed alone, as Run + AnchorNow.
  const absl::Status committed = deps_.runner->Run(std::move(unit));
  return {committed, refused};
}

// ---- the worker ----

std::vector<Anchorer::Waiter*> Anchorer::TakeBatch() {
  std::vector<Waiter*> batch;
  bool have_release = false;
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    if ((*it)->kind == AnchorKind::kRelease) {
      if (have_release) {
        ++it;
        continue;
      }
      have_release = true;
    }
    batch.push_back(*it);
    it = waiters_.erase(it);
  }
  return batch;
}

void Anchorer::WorkerLoop() {
  absl::MutexLock lock(&mu_);
  while (!stopping_) {
    if (waiters_.empty()) {
      mu_.AwaitWithTimeout(absl::Condition(this, &Anchorer::HasWaitersOrStopping), options_.tick);
      if (waiters_.empty() && !stopping_) {
        mu_.Unlock();
        MaybeAnchorAged();
        mu_.Lock();
      }
      continue;
    }
    absl::Duration wait = next_allowed_ - clock_->Now();
    if (wait > options_.min_interval) {
      // The wall clock was set back: never stall anchoring waiting for it.
      next_allowed_ = clock_->Now();
      wait = absl::ZeroDuration();
    }
    if (wait > absl::ZeroDuration()) {
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), std::min(wait, options_.tick));
      continue;
    }
    std::vector<Waiter*> batch = TakeBatch();
    mu_.Unlock();
    RunBatch(batch);
    mu_.Lock();
    for (Waiter* w : batch) w->done = true;
  }
  for (Waiter* w : waiters_) {
    w->status = Stopped();
    w->done = true;
  }
  waiters_.clear();
}

// The units of a batch's CommitAndAnchor callers, riding its step 1.
class Anchorer::BatchRiders final : public Riders {
 public:
  explicit BatchRiders(const std::vector<Waiter*>& batch) : batch_(batch) {}

  absl::StatusOr<bool> Run(store::Txn& txn) override {
    bool release = false;
    for (Waiter* w : batch_) {
      if (w->unit == nullptr) continue;
      BG_ASSIGN_OR_RETURN(store::Savepoint sp, txn.StartSavepoint());
      w->unit_ran = true;
      w->committed = (*w->unit)(txn);
      if (w->committed.ok()) w->committed = sp.Release();  // else sp rolls back
      release = release || (w->committed.ok() && w->kind == AnchorKind::kRelease);
    }
    return release;
  }

  void Lost(const absl::Status& why) override {
    for (Waiter* w : batch_) {
      if (w->unit_ran && w->committed.ok()) w->committed = why;
    }
  }

 private:
  const std::vector<Waiter*>& batch_;
};

void Anchorer::RunBatch(const std::vector<Waiter*>& batch) {
  // A release waiter with a unit moves the release counter only if its unit
  // commits (the riders say so); one without (a retried release) always does.
  const bool release = std::any_of(batch.begin(), batch.end(), [](Waiter* w) {
    return w->kind == AnchorKind::kRelease && w->unit == nullptr;
  });
  BatchRiders riders(batch);
  const absl::Status status =
      RunAnchor(release ? AnchorKind::kRelease : AnchorKind::kRoutine, &riders);
  std::vector<store::Unit> alone;
  std::vector<Waiter*> owners;
  for (Waiter* w : batch) {
    w->status = status;
    if (w->unit == nullptr || w->unit_ran) continue;
    // The anchor failed before step 1: commit the unit alone.
    alone.push_back(std::move(*w->unit));
    owners.push_back(w);
  }
  if (alone.empty()) return;
  std::vector<std::future<absl::Status>> done = deps_.runner->SubmitAll(std::move(alone));
  for (size_t i = 0; i < owners.size(); ++i) {
    owners[i]->unit_ran = true;
    owners[i]->committed = done[i].get();
  }
}

absl::Status Anchorer::RunAnchor(AnchorKind kind, Riders* riders) {
  {
    absl::MutexLock lock(&mu_);
    if (refusal_.has_value()) return *refusal_;
  }
  const absl::StatusOr<AnchorResult> result = protocol_->Anchor(kind, riders);
  {
    absl::MutexLock lock(&mu_);
    next_allowed_ = clock_->Now() + options_.min_interval;
    if (result.ok() && !result->rollback.has_value()) {
      last_statement_ = result->anchor.statement;
      ++anchors_completed_;
    }
  }
  if (!result.ok()) return result.status();
  if (result->rollback.has_value()) return RaiseAlarm(*result->rollback);
  CheckBudget();
  return absl::OkStatus();
}

void Anchorer::MaybeAnchorAged() {
  {
    absl::MutexLock lock(&mu_);
    if (refusal_.has_value() || clock_->Now() < next_allowed_) return;
  }
  const uint64_t covered = protocol_->covered_size();
  absl::StatusOr<uint64_t> size = deps_.log->Size();
  if (size.ok() && *size <= covered) return;
  absl::Status status = size.status();
  if (status.ok()) {
    // The oldest unanchored leaf decides.
    absl::StatusOr<std::string> leaf = deps_.log->Leaf(covered);
    absl::StatusOr<Event> event = leaf.ok() ? Event::Parse(*leaf) : leaf.status();
    if (event.ok() && clock_->Now() - event->time() < options_.max_routine_age) return;
    status = event.ok() ? RunAnchor(AnchorKind::kRoutine) : event.status();
  }
  absl::MutexLock lock(&mu_);
  background_status_ = base::Annotate(status, "anchor: age-triggered anchor");
}

// ---- accounting ----

NvWriteStats Anchorer::StatsLocked() const {
  NvWriteStats s;
  s.by_this_process = protocol_->nv_writes();
  s.yearly_budget = options_.yearly_nv_write_budget;
  s.allowance = s.yearly_budget;
  if (!provision_.has_value()) return s;
  const CounterIdentity& c = provision_->statement.checkpoint;
  const CounterIdentity& r = provision_->statement.release;
  s.since_genesis = (last_statement_.checkpoint_counter - c.start_value) +
                    (last_statement_.release_counter - r.start_value);
  absl::Duration remainder;
  const int64_t years = absl::IDivDuration(clock_->Now() - provision_->time, kYear, &remainder);
  s.allowance = s.yearly_budget * static_cast<uint64_t>(std::max<int64_t>(years, 0) + 1);
  return s;
}

NvWriteStats Anchorer::nv_writes() const {
  absl::MutexLock lock(&mu_);
  return StatsLocked();
}

void Anchorer::CheckBudget() {
  NvWriteStats stats;
  {
    absl::MutexLock lock(&mu_);
    stats = StatsLocked();
    if (stats.since_genesis * 100 < stats.allowance * options_.budget_warning_percent) return;
    const int64_t year = static_cast<int64_t>(stats.allowance / stats.yearly_budget);
    if (warned_year_ == year) return;
    warned_year_ = year;
  }
  if (options_.on_budget_warning) options_.on_budget_warning(stats);
}

uint64_t Anchorer::anchors_completed() const {
  absl::MutexLock lock(&mu_);
  return anchors_completed_;
}

size_t Anchorer::waiting() const {
  absl::MutexLock lock(&mu_);
  return waiters_.size();
}

absl::Status Anchorer::background_status() const {
  absl::MutexLock lock(&mu_);
  return background_status_;
}

AnchorStatement Anchorer::last_anchored() const {
  absl::MutexLock lock(&mu_);
  return last_statement_;
}

std::optional<absl::Status> Anchorer::refusal() const {
  absl::MutexLock lock(&mu_);
  return refusal_;
}

}  // namespace breakglass::audit
