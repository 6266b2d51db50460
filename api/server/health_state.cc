#include "api/server/health_state.h"

#include <utility>

namespace breakglass::api {

HealthState::HealthState(std::set<std::string, std::less<>> services)
    : services_(std::move(services)) {}

void HealthState::SetServing(bool serving) {
  absl::MutexLock lock(&mu_);
  if (shutdown_ || serving_ == serving) return;
  serving_ = serving;
  ++generation_;
}

void HealthState::Shutdown() {
  absl::MutexLock lock(&mu_);
  if (shutdown_) return;
  shutdown_ = true;
  serving_ = false;
  ++generation_;
}

HealthState::Status HealthState::Get(std::string_view service) const {
  if (!service.empty() && services_.find(service) == services_.end()) {
    return Status::kUnknownService;
  }
  absl::MutexLock lock(&mu_);
  return serving_ ? Status::kServing : Status::kNotServing;
}

HealthState::Snapshot HealthState::Take(std::string_view service) const {
  const bool known = service.empty() || services_.find(service) != services_.end();
  absl::MutexLock lock(&mu_);
  const Status status =
      !known ? Status::kUnknownService : serving_ ? Status::kServing : Status::kNotServing;
  return Snapshot{status, shutdown_, generation_};
}

bool HealthState::shutting_down() const {
  absl::MutexLock lock(&mu_);
  return shutdown_;
}

uint64_t HealthState::generation() const {
  absl::MutexLock lock(&mu_);
  return generation_;
}

uint64_t HealthState::WaitForChange(uint64_t seen, absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto changed = [this, seen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return generation_ != seen || shutdown_;
  };
  mu_.AwaitWithTimeout(absl::Condition(&changed), timeout);
  return generation_;
}

}  // namespace breakglass::api
