#include "vault/alerts/dispatcher.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"

namespace breakglass::alerts {
namespace {

double UniformUnit(base::Random& random) {
  auto bytes = random.Bytes(8);
  if (!bytes.ok()) return 1.0;  // no randomness: the full (longest) delay
  uint64_t v = 0;
  for (unsigned char c : *bytes) v = (v << 8) | c;
  return static_cast<double>(v >> 11) / static_cast<double>(uint64_t{1} << 53);
}

// The alert_delivery audit event for one attempt.
core::VaultEvent OutcomeEvent(const PendingDelivery& p, std::string_view outcome,
                              int64_t attempt, const absl::Status& error, absl::Time now) {
  const nlohmann::json body = nlohmann::json::parse(p.alert.body, nullptr, false);
  auto member = [&](const char* key) {
    return body.is_object() && body.contains(key) && body[key].is_string()
               ? body[key].get<std::string>() : std::string();
  };
  core::VaultEvent e;
  e.type = "alert_delivery";
  e.actor = "breakglassd";
  e.subject = member("request");
  e.incident = member("incident");
  e.time = now;
  e.fields.Set("alert_id", p.alert.id)
      .Set("alert_type", p.alert.event_type)
      .Set("sink", p.sink)
      .Set("outcome", std::string(outcome))
      .Set("attempt", attempt);
  if (!error.ok()) e.fields.Set("error", std::string(error.message()));
  return e;
}

}  // namespace

absl::Duration BackoffDelay(const RetryPolicy& policy, int64_t failed, double unit) {
  const int64_t shift = std::clamp<int64_t>(failed - 1, 0, 40);
  const double cap = std::min(absl::ToDoubleSeconds(policy.max_backoff),
                              absl::ToDoubleSeconds(policy.initial_backoff) *
                                  std::ldexp(1.0, static_cast<int>(shift)));
  return absl::Seconds(std::clamp(unit, 0.0, 1.0) * cap);
}

absl::StatusOr<std::unique_ptr<Dispatcher>> Dispatcher::Create(DispatcherDeps deps,
                                                               std::vector<SinkEntry> sinks,
                                                               DispatcherOptions options) {
  if (!deps.runner || !deps.events || !deps.clock || !deps.random) {
    return absl::InvalidArgumentError("alert dispatcher: a dependency is missing");
  }
  if (sinks.empty()) return absl::InvalidArgumentError("alert dispatcher: no sinks");
  std::set<std::string> names;
  for (const SinkEntry& s : sinks) {
    if (s.sink == nullptr || !names.insert(s.sink->name()).second) {
      return absl::InvalidArgumentError("alert dispatcher: missing or duplicate sink");
    }
  }
  return std::unique_ptr<Dispatcher>(new Dispatcher(deps, std::move(sinks), options));
}

Dispatcher::~Dispatcher() { Stop(); }

void Dispatcher::Start() {
  absl::MutexLock lock(&start_mu_);
  if (!threads_.empty()) return;
  {
    absl::MutexLock l(&mu_);
    stopping_ = false;
  }
  for (const SinkEntry& entry : sinks_) threads_.emplace_back([this, &entry] { Loop(entry); });
}

void Dispatcher::Stop() {
  absl::MutexLock lock(&start_mu_);
  {
    absl::MutexLock l(&mu_);
    stopping_ = true;
  }
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

void Dispatcher::Wake() {
  absl::MutexLock l(&mu_);
  ++wakes_;
}

bool Dispatcher::stopping() const {
  absl::MutexLock l(&mu_);
  return stopping_;
}

absl::StatusOr<int64_t> Dispatcher::RunOnce(const std::string& sink) {
  for (const SinkEntry& entry : sinks_) {
    if (entry.sink->name() == sink) return Pass(entry);
  }
  return absl::NotFoundError(absl::StrCat("alert sink ", sink, " is not configured"));
}

void Dispatcher::Loop(const SinkEntry& entry) {
  while (!stopping()) {
    uint64_t seen;
    {
      absl::MutexLock l(&mu_);
      seen = wakes_;
    }
    (void)Pass(entry);  // errors (store trouble) are retried on the next pass
    const absl::Duration wait = WaitFor(entry);
    absl::MutexLock l(&mu_);
    auto woken = [this, seen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return stopping_ || wakes_ != seen;
    };
    mu_.AwaitWithTimeout(absl::Condition(&woken), wait);
  }
}

// Until the next delivery is due, at most poll_interval; 0 when one is due.
absl::Duration Dispatcher::WaitFor(const SinkEntry& entry) {
  std::optional<int64_t> next;
  absl::Status read = d_.runner->Read([&](store::Txn& txn) -> absl::Status {
    BG_ASSIGN_OR_RETURN(next, NextDue(txn, entry.sink->name()));
    return absl::OkStatus();
  });
  if (!read.ok() || !next) return options_.poll_interval;
  const absl::Duration until = absl::FromUnixMillis(*next) - d_.clock->Now();
  return std::clamp(until, absl::ZeroDuration(), options_.poll_interval);
}

absl::StatusOr<int64_t> Dispatcher::Pass(const SinkEntry& entry) {
  std::vector<PendingDelivery> due;
  const int64_t now_ms = absl::ToUnixMillis(d_.clock->Now());
  BG_RETURN_IF_ERROR(d_.runner->Read([&](store::Txn& txn) -> absl::Status {
    BG_ASSIGN_OR_RETURN(due, LoadDue(txn, entry.sink->name(), now_ms, options_.batch));
    return absl::OkStatus();
  }));
  int64_t attempted = 0;
  for (const PendingDelivery& p : due) {
    if (stopping() && attempted > 0) break;
    BG_RETURN_IF_ERROR(Attempt(entry, p));
    ++attempted;
  }
  return attempted;
}

absl::Status Dispatcher::Attempt(const SinkEntry& entry, const PendingDelivery& p) {
  const absl::Status sent = entry.sink->Deliver(p.alert);
  const absl::Time now = d_.clock->Now();
  const int64_t attempt = p.attempts + 1;
  DeliveryState state = DeliveryState::kDelivered;
  int64_t next_ms = absl::ToUnixMillis(now);
  if (!sent.ok()) {
    const RetryPolicy& r = entry.retry;
    const bool exhausted = (r.max_attempts > 0 && attempt >= r.max_attempts) ||
                           now - absl::FromUnixMillis(p.created_ms) >= r.give_up_after;
    state = exhausted ? DeliveryState::kGaveUp : DeliveryState::kPending;
    next_ms += absl::ToInt64Milliseconds(BackoffDelay(r, attempt, UniformUnit(*d_.random)));
  }
  const char* outcome = state == DeliveryState::kDelivered ? "delivered"
                        : state == DeliveryState::kGaveUp  ? "gave_up"
                                                           : "failed";
  const std::string error(sent.message());
  return d_.runner->Run([&](store::Txn& txn) -> absl::Status {
    BG_RETURN_IF_ERROR(RecordAttempt(txn, p.seq, p.sink, state, attempt, next_ms, error));
    return d_.events->Append(txn, OutcomeEvent(p, outcome, attempt, sent, now));
  });
}

}  // namespace breakglass::alerts
