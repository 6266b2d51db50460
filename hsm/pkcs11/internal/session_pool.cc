#include "hsm/pkcs11/internal/session_pool.h"

#include "absl/strings/str_cat.h"
#include "hsm/pkcs11/internal/ck_status.h"

namespace breakglass::hsm::pkcs11::internal {

SessionPool::SessionPool(CK_FUNCTION_LIST* fns, CK_SLOT_ID slot, std::string token_name,
                         size_t max_idle)
    : fns_(fns), slot_(slot), token_name_(std::move(token_name)), max_idle_(max_idle) {}

SessionPool::~SessionPool() {
  for (CK_SESSION_HANDLE handle : idle_) fns_->C_CloseSession(handle);
}

SessionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_),
      handle_(other.handle_),
      epoch_(other.epoch_),
      fresh_(other.fresh_),
      forget_(other.forget_),
      discard_(other.discard_) {
  other.pool_ = nullptr;
}

SessionPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->Return(*this);
}

absl::StatusOr<SessionPool::Lease> SessionPool::Acquire(bool fresh_only) {
  uint64_t epoch = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    epoch = epoch_;
    if (!fresh_only && !idle_.empty()) {
      const CK_SESSION_HANDLE handle = idle_.back();
      idle_.pop_back();
      return Lease(this, handle, epoch, /*fresh=*/false);
    }
  }
  CK_SESSION_HANDLE handle = CK_INVALID_HANDLE;
  const CK_RV rv =
      fns_->C_OpenSession(slot_, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &handle);
  if (rv != CKR_OK) return CkError(rv, "C_OpenSession", absl::StrCat("token ", token_name_));
  return Lease(this, handle, epoch, /*fresh=*/true);
}

void SessionPool::Return(const Lease& lease) {
  if (lease.forget_) return;
  if (!lease.discard_) {
    std::lock_guard<std::mutex> lock(mu_);
    if (lease.epoch_ != epoch_) return;  // lost with the token (see Reset)
    if (idle_.size() < max_idle_) {
      idle_.push_back(lease.handle_);
      return;
    }
  }
  fns_->C_CloseSession(lease.handle_);  // errors ignored: the session may be gone already
}

void SessionPool::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.clear();
  ++epoch_;
}

}  // namespace breakglass::hsm::pkcs11::internal
