#include "hsm/fake/fault_injection.h"

namespace breakglass::hsm {

void FaultSchedule::FailNext(int64_t count, absl::Status status) {
  std::lock_guard<std::mutex> lock(mu_);
  remaining_ = count;
  status_ = std::move(status);
}

void FaultSchedule::FailAlways(absl::Status status) { FailNext(-1, std::move(status)); }

void FaultSchedule::Clear() { FailNext(0, absl::OkStatus()); }

std::optional<absl::Status> FaultSchedule::NextCall() {
  std::lock_guard<std::mutex> lock(mu_);
  if (remaining_ != 0 && !status_.ok()) {
    if (remaining_ > 0) --remaining_;
    return status_;
  }
  ++forwarded_;
  return std::nullopt;
}

int64_t FaultSchedule::forwarded() const {
  std::lock_guard<std::mutex> lock(mu_);
  return forwarded_;
}

absl::StatusOr<std::string> FaultInjectingKeystore::Seal(const base::SecretBytes& plaintext,
                                                         std::string_view aad) {
  if (auto fault = faults_.NextCall()) return *std::move(fault);
  return base_->Seal(plaintext, aad);
}

absl::StatusOr<base::SecretBytes> FaultInjectingKeystore::Unseal(std::string_view envelope,
                                                                 std::string_view aad) {
  if (auto fault = faults_.NextCall()) return *std::move(fault);
  return base_->Unseal(envelope, aad);
}

absl::StatusOr<std::string> FaultInjectingLogSigner::Sign(std::string_view message) {
  if (auto fault = faults_.NextCall()) return *std::move(fault);
  return base_->Sign(message);
}

absl::StatusOr<std::string> FaultInjectingLogSigner::PublicKey() {
  if (auto fault = faults_.NextCall()) return *std::move(fault);
  return base_->PublicKey();
}

}  // namespace breakglass::hsm
