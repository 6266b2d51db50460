// Clock: the one source of time for breakglass, injected wherever time matters
// (approval windows, use windows, review deadlines, anchoring intervals).
//
// Thread-safety: every implementation here is safe to call from many threads.
#ifndef BREAKGLASS_VAULT_BASE_CLOCK_H_
#define BREAKGLASS_VAULT_BASE_CLOCK_H_

#include <atomic>
#include <cstdint>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace breakglass::base {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time (UTC).
  virtual absl::Time Now() const = 0;
};

// The system's real-time clock.
class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

// A clock that only moves when told to. For tests.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start) : nanos_(absl::ToUnixNanos(start)) {}
  absl::Time Now() const override { return absl::FromUnixNanos(nanos_.load()); }
  void Advance(absl::Duration d) { nanos_ += absl::ToInt64Nanoseconds(d); }
  void Set(absl::Time t) { nanos_ = absl::ToUnixNanos(t); }

 private:
  std::atomic<int64_t> nanos_;
};

}  // namespace breakglass::base

#endif  // BREAKGLASS_VAULT_BASE_CLOCK_H_
