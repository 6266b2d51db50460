// Maintenance: breakglassd's periodic tasks — the work that must happen while
// nobody calls the API (DESIGN.md "Quorum release": "approvals expire").
//
// One thread runs every task in list order, once at start-up and then every
// `[maintenance] interval_seconds` (breakglassd.toml). A task returns a short
// summary to log at info ("" when it did nothing) or an error; an error is
// logged at error level with the task's name and the next task still runs.
// Nothing is retried early: the next round is the retry.
//
// The list is MaintenanceTasks() below; a new periodic duty of the appliance
// is one more entry there (name + function over the Backend).
//
// Log lines carry task names, ids and status messages only. Status messages
// of the core never carry secrets (STYLE.md); summaries must not either.
//
// Thread-safety: Start/Stop from one thread (breakglassd's main). Tasks run on
// the maintenance thread and must be safe to run concurrently with API calls
// (the Vault's methods are).
#ifndef BREAKGLASS_API_BREAKGLASSD_MAINTENANCE_H_
#define BREAKGLASS_API_BREAKGLASSD_MAINTENANCE_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "api/server/backend.h"

namespace spdlog {
class logger;
}  // namespace spdlog

namespace breakglass::api {

struct PeriodicTask {
  std::string name;  // in log lines, e.g. "expire_due"
  // One run: a summary to log ("" = nothing done), or what failed.
  std::function<absl::StatusOr<std::string>()> run;
};

// breakglassd's periodic tasks over `backend` (borrowed; must outlive the
// tasks). Tasks that need the vault do nothing until it is provisioned.
//   expire_due: core::Vault::ExpireDue — pending requests past their approval
//               window become `expired`, unfetched release boxes past their
//               use window are dropped, each with its `expiry` event.
//   check_overdue_reviews: core::Vault::CheckOverdueReviews — a
//               `review_overdue` event for each release whose post-incident
//               review is past due, again every review_overdue_repeat.
std::vector<PeriodicTask> MaintenanceTasks(const Backend* backend);

class Maintenance final {
 public:
  // Starts the thread; the first round runs immediately. `log` is borrowed
  // and must outlive this object. `interval` must be positive.
  static std::unique_ptr<Maintenance> Start(std::vector<PeriodicTask> tasks,
                                            absl::Duration interval, spdlog::logger* log);
  // Stops (as Stop()).
  ~Maintenance();
  Maintenance(const Maintenance&) = delete;
  Maintenance& operator=(const Maintenance&) = delete;

  // Wakes the thread and joins it: returns once a task in progress has
  // finished; no task starts after. Idempotent.
  void Stop();

 private:
  Maintenance(std::vector<PeriodicTask> tasks, absl::Duration interval, spdlog::logger* log)
      : tasks_(std::move(tasks)), interval_(interval), log_(log) {}
  void Loop();
  void RunOnce();

  const std::vector<PeriodicTask> tasks_;
  const absl::Duration interval_;
  spdlog::logger* const log_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace breakglass::api

#endif  // BREAKGLASS_API_BREAKGLASSD_MAINTENANCE_H_
