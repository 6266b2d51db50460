// Dispatcher: delivers the outbox (outbox.h) to the sinks, at least once.
//
// One thread per sink, so a slow or dead sink delays only itself. Each thread
// loads the deliveries due for its sink, calls Sink::Deliver, and records the
// outcome in one transaction together with an `alert_delivery` audit event
// (fields: alert_id, alert_type, sink, outcome delivered | failed | gave_up,
// attempt, error). Those events are appended through `events`, which must be
// the undecorated log (not AlertingEventLog); `alert_delivery` is also never
// routable (routing.h) — so deliveries never create alerts.
//
// Retry: after the n-th failed attempt the next one is due after a delay
// drawn uniformly from [0, min(max_backoff, initial_backoff * 2^(n-1))]
// ("full jitter"). A delivery gives up after max_attempts failed attempts
// (0 = no limit) or once give_up_after has passed since the alert was
// queued, whichever comes first. Rows stay in the store until delivered or
// given up, so a restart resumes where the last process stopped; a crash
// between a sink's acceptance and the recorded outcome re-sends the alert
// (same idempotency key).
//
// Times (due, backoff, give-up) come from the injected Clock; the threads
// wake on Wake() or every poll_interval of real time.
//
// Thread-safety: Start, Stop, Wake and RunOnce are safe from any thread.
#ifndef BREAKGLASS_VAULT_ALERTS_DISPATCHER_H_
#define BREAKGLASS_VAULT_ALERTS_DISPATCHER_H_

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "vault/alerts/outbox.h"
#include "vault/alerts/sink.h"
#include "vault/base/clock.h"
#include "vault/base/random.h"
#include "vault/core/event_log.h"
#include "vault/store/transaction_runner.h"

namespace breakglass::alerts {

struct RetryPolicy {
  absl::Duration initial_backoff = absl::Seconds(1);
  absl::Duration max_backoff = absl::Minutes(5);
  int64_t max_attempts = 0;  // 0: until give_up_after
  absl::Duration give_up_after = absl::Hours(72);
};

// The delay before attempt `failed + 1` after `failed` (>= 1) failures, with
// `unit` uniform in [0, 1]. Pure; exposed for tests.
absl::Duration BackoffDelay(const RetryPolicy& policy, int64_t failed, double unit);

struct DispatcherDeps {
  store::TransactionRunner* runner = nullptr;  // migrated with OutboxMigrations()
  core::EventLog* events = nullptr;            // undecorated audit log
  const base::Clock* clock = nullptr;
  base::Random* random = nullptr;
};

struct SinkEntry {
  Sink* sink = nullptr;  // borrowed; must outlive the Dispatcher
  RetryPolicy retry;
};

struct DispatcherOptions {
  absl::Duration poll_interval = absl::Seconds(1);
  int64_t batch = 32;  // deliveries loaded per look
};

class Dispatcher final {
 public:
  // INVALID_ARGUMENT for a missing dependency, no sinks, or duplicate names.
  static absl::StatusOr<std::unique_ptr<Dispatcher>> Create(DispatcherDeps deps,
                                                            std::vector<SinkEntry> sinks,
                                                            DispatcherOptions options = {});
  ~Dispatcher();  // Stop()

  // Starts one thread per sink. Calling it twice is a no-op.
  void Start();
  // Asks the threads to finish their current delivery and joins them.
  // Undelivered rows stay pending for the next process.
  void Stop();
  // Makes every sink thread look at the outbox now.
  void Wake();

  // One synchronous pass for `sink`: delivers what is due now and records each
  // outcome. Returns how many deliveries were attempted. For tests and for
  // callers without threads. NOT_FOUND for an unknown sink.
  absl::StatusOr<int64_t> RunOnce(const std::string& sink);

 private:
  Dispatcher(DispatcherDeps deps, std::vector<SinkEntry> sinks, DispatcherOptions options)
      : d_(deps), sinks_(std::move(sinks)), options_(options) {}

  void Loop(const SinkEntry& entry);
  absl::StatusOr<int64_t> Pass(const SinkEntry& entry);
  absl::Status Attempt(const SinkEntry& entry, const PendingDelivery& p);
  absl::Duration WaitFor(const SinkEntry& entry);
  bool stopping() const;

  const DispatcherDeps d_;
  const std::vector<SinkEntry> sinks_;
  const DispatcherOptions options_;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t wakes_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::thread> threads_;  // touched by Start/Stop under start_mu_
  absl::Mutex start_mu_;
};

}  // namespace breakglass::alerts

#endif  // BREAKGLASS_VAULT_ALERTS_DISPATCHER_H_
