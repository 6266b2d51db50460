// FaultInjectingCounter: a forwarding MonotonicCounter that injects failures
// into any implementation (the fake or tpm/tss), like LevelDB's EnvWrapper.
//
// Faults are scripted per operation: fail the next N calls with a status
// (the call is not forwarded), or forward an Increment and then report a
// failure (the TPM moved, the answer was lost — a power cut after the write),
// or take the whole device down until restored. Counts forwarded calls.
//
// Thread-safety: safe to call from many threads; the wrapped counter must be
// too. The wrapped counter is borrowed and must outlive this object.
#ifndef BREAKGLASS_TPM_FAKE_FAULT_INJECTING_COUNTER_H_
#define BREAKGLASS_TPM_FAKE_FAULT_INJECTING_COUNTER_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "tpm/monotonic_counter.h"

namespace breakglass::tpm {

class FaultInjectingCounter final : public MonotonicCounter {
 public:
  enum class Op { kRead = 0, kIncrement = 1, kCertify = 2 };

  explicit FaultInjectingCounter(MonotonicCounter* target) : target_(target) {}

  absl::StatusOr<uint64_t> Read() override;
  absl::StatusOr<uint64_t> Increment() override;
  // Scripted as Increment (Op::kIncrement), forwarded to the target's Advance.
  absl::Status Advance() override;
  absl::StatusOr<CounterEvidence> Certify(std::string_view qualifying_data) override;
  std::string Label() const override { return target_->Label(); }

  // The next `times` calls of `op` return `status` without reaching the target.
  void FailNext(Op op, absl::Status status, int times = 1);
  // The next `times` Increments reach the target, then return UNAVAILABLE.
  void LoseNextIncrementResponses(int times = 1);
  // Every call fails with `status` until SetDown(OkStatus()).
  void SetDown(absl::Status status);
  // Calls that reached the target, per operation.
  int forwarded(Op op) const;

 private:
  struct Script {
    absl::Status status;
    int times = 0;
  };
  // The injected error for this call of `op`, or OK to forward it.
  absl::Status Take(Op op);
  // After a forwarded increment: the lost-response fault, if scripted.
  absl::Status LoseResponse();

  MonotonicCounter* const target_;
  mutable absl::Mutex mu_;
  std::array<Script, 3> scripts_ ABSL_GUARDED_BY(mu_);
  std::array<int, 3> forwarded_ ABSL_GUARDED_BY(mu_) = {0, 0, 0};
  int lose_increments_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status down_ ABSL_GUARDED_BY(mu_);
};

}  // namespace breakglass::tpm

#endif  // BREAKGLASS_TPM_FAKE_FAULT_INJECTING_COUNTER_H_
