// HealthState: the serving status reported by the standard gRPC health
// service (grpc.health.v1, https://github.com/grpc/grpc/blob/master/doc/health-checking.md).
//
// The overall service "" and each breakglass.v1 service name are known; any
// other name is unknown (Check answers NOT_FOUND, Watch SERVICE_UNKNOWN).
// All known names share one status: SERVING while the server takes calls,
// NOT_SERVING while it drains. Shutdown is final and wakes every watcher.
//
// Thread-safety: safe to call from many threads.
#ifndef BREAKGLASS_API_SERVER_HEALTH_STATE_H_
#define BREAKGLASS_API_SERVER_HEALTH_STATE_H_

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace breakglass::api {

class HealthState final {
 public:
  enum class Status { kServing, kNotServing, kUnknownService };

  // `services`: the known service names besides "" (which is always known).
  explicit HealthState(std::set<std::string, std::less<>> services);

  HealthState(const HealthState&) = delete;
  HealthState& operator=(const HealthState&) = delete;

  // Sets every known service's status; ignored after Shutdown.
  void SetServing(bool serving);
  // NOT_SERVING from now on; watchers wake and see shutting_down().
  void Shutdown();

  Status Get(std::string_view service) const;
  bool shutting_down() const;

  // Status, shutdown flag and generation read together, for watchers.
  struct Snapshot {
    Status status;
    bool shutting_down;
    uint64_t generation;
  };
  Snapshot Take(std::string_view service) const;

  // A number that changes whenever the status does.
  uint64_t generation() const;
  // Returns when generation() differs from `seen`, on Shutdown, or after
  // `timeout`, whichever is first; returns the generation then.
  uint64_t WaitForChange(uint64_t seen, absl::Duration timeout) const;

 private:
  const std::set<std::string, std::less<>> services_;
  mutable absl::Mutex mu_;
  bool serving_ ABSL_GUARDED_BY(mu_) = true;
  bool shutdown_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace breakglass::api

#endif  // BREAKGLASS_API_SERVER_HEALTH_STATE_H_
