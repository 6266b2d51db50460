#include "tpm/fake/fault_injecting_counter.h"

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"

namespace breakglass::tpm {

absl::Status FaultInjectingCounter::Take(Op op) {
  absl::MutexLock lock(&mu_);
  if (!down_.ok()) return down_;
  Script& s = scripts_[static_cast<int>(op)];
  if (s.times > 0) {
    --s.times;
    return s.status;
  }
  ++forwarded_[static_cast<int>(op)];
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> FaultInjectingCounter::Read() {
  absl::Status injected = Take(Op::kRead);
  if (!injected.ok()) return injected;
  return target_->Read();
}

absl::StatusOr<uint64_t> FaultInjectingCounter::Increment() {
  absl::Status injected = Take(Op::kIncrement);
  if (!injected.ok()) return injected;
  absl::StatusOr<uint64_t> result = target_->Increment();
  if (!result.ok()) return result;
  BG_RETURN_IF_ERROR(LoseResponse());
  return result;
}

absl::Status FaultInjectingCounter::Advance() {
  BG_RETURN_IF_ERROR(Take(Op::kIncrement));
  BG_RETURN_IF_ERROR(target_->Advance());
  return LoseResponse();
}

absl::Status FaultInjectingCounter::LoseResponse() {
  absl::MutexLock lock(&mu_);
  if (lose_increments_ == 0) return absl::OkStatus();
  --lose_increments_;
  return absl::UnavailableError(
      absl::StrCat("injected fault: TPM counter '", target_->Label(),
                   "' was incremented but the response was lost (connection dropped)"));
}

absl::StatusOr<CounterEvidence> FaultInjectingCounter::Certify(std::string_view qualifying_data) {
  absl::Status injected = Take(Op::kCertify);
  if (!injected.ok()) return injected;
  return target_->Certify(qualifying_data);
}

void FaultInjectingCounter::FailNext(Op op, absl::Status status, int times) {
  absl::MutexLock lock(&mu_);
  scripts_[static_cast<int>(op)] = {std::move(status), times};
}

void FaultInjectingCounter::LoseNextIncrementResponses(int times) {
  absl::MutexLock lock(&mu_);
  lose_increments_ = times;
}

void FaultInjectingCounter::SetDown(absl::Status status) {
  absl::MutexLock lock(&mu_);
  down_ = std::move(status);
}

int FaultInjectingCounter::forwarded(Op op) const {
  absl::MutexLock lock(&mu_);
  return forwarded_[static_cast<int>(op)];
}

}  // namespace breakglass::tpm
