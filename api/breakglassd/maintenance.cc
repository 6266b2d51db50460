#include "api/breakglassd/maintenance.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "spdlog/spdlog.h"
#include "vault/core/vault.h"

namespace breakglass::api {
namespace {

// "expired requests r1, r2 (approval window closed); dropped unfetched
// release boxes r3 (use window closed)", or "" when nothing was due.
std::string Summary(const core::ExpiryReport& report) {
  std::vector<std::string> parts;
  if (!report.expired_requests.empty()) {
    parts.push_back(absl::StrCat("expired requests ", absl::StrJoin(report.expired_requests, ", "),
                                 " (approval window closed)"));
  }
  if (!report.expired_releases.empty()) {
    parts.push_back(absl::StrCat("dropped unfetched release boxes ",
                                 absl::StrJoin(report.expired_releases, ", "),
                                 " (use window closed)"));
  }
  return absl::StrJoin(parts, "; ");
}

absl::StatusOr<std::string> ExpireDue(const Backend* backend) {
  core::Vault* vault = backend->vault();
  if (vault == nullptr) return std::string();  // not provisioned yet
  absl::StatusOr<core::ExpiryReport> report = vault->ExpireDue();
  if (!report.ok()) return report.status();
  return Summary(*report);
}

absl::StatusOr<std::string> CheckOverdueReviews(const Backend* backend) {
  core::Vault* vault = backend->vault();
  if (vault == nullptr) return std::string();  // not provisioned yet
  absl::StatusOr<core::OverdueReport> report = vault->CheckOverdueReviews();
  if (!report.ok()) return report.status();
  if (report->alerted.empty()) return std::string();
  return absl::StrCat("review overdue for ", absl::StrJoin(report->alerted, ", "),
                      " (review_overdue event written)");
}

}  // namespace

std::vector<PeriodicTask> MaintenanceTasks(const Backend* backend) {
  return {
      {"expire_due", [backend] { return ExpireDue(backend); }},
      {"check_overdue_reviews", [backend] { return CheckOverdueReviews(backend); }},
  };
}

std::unique_ptr<Maintenance> Maintenance::Start(std::vector<PeriodicTask> tasks,
                                                absl::Duration interval, spdlog::logger* log) {
  std::unique_ptr<Maintenance> m(new Maintenance(std::move(tasks), interval, log));
  m->thread_ = std::thread([p = m.get()] { p->Loop(); });
  return m;
}

Maintenance::~Maintenance() { Stop(); }

void Maintenance::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

void Maintenance::Loop() {
  do {
    RunOnce();
  } while (!stop_.WaitForNotificationWithTimeout(interval_));
}

void Maintenance::RunOnce() {
  for (const PeriodicTask& task : tasks_) {
    if (stop_.HasBeenNotified()) return;
    absl::StatusOr<std::string> done = task.run();
    if (!done.ok()) {
      log_->error("maintenance: {} failed: {}; retrying in {}", task.name, done.status().ToString(),
                  absl::FormatDuration(interval_));
    } else if (!done->empty()) {
      log_->info("maintenance: {}: {}", task.name, *done);
    }
  }
}

}  // namespace breakglass::api
