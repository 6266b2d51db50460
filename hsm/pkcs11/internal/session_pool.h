// Internal to hsm/pkcs11: a pool of PKCS#11 sessions on one slot.
//
// A PKCS#11 session runs one operation at a time (v2.40 §5.6), so each thread
// leases its own: Acquire() hands out an idle session or opens a new one
// (CKF_SERIAL_SESSION | CKF_RW_SESSION), and the Lease returns it to the pool
// when destroyed. A session the module calls invalid is forgotten, not closed.
// Reset() forgets every session after the token lost them
// (CKR_DEVICE_REMOVED, CKR_TOKEN_NOT_PRESENT: PKCS#11 v2.40 §5.6 says all its
// sessions are gone): idle ones are dropped, leased ones are dropped when
// returned. A handle the module no longer knows is never passed to
// C_CloseSession, because its number may already name another new session. Login is not the pool's
// concern (TokenCore logs in fresh sessions).
//
// Thread-safety: all methods are safe from many threads. A Lease belongs to one
// thread at a time and must not outlive its pool.
#ifndef BREAKGLASS_HSM_PKCS11_INTERNAL_SESSION_POOL_H_
#define BREAKGLASS_HSM_PKCS11_INTERNAL_SESSION_POOL_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hsm/pkcs11/internal/pkcs11.h"

namespace breakglass::hsm::pkcs11::internal {

class SessionPool final {
 public:
  // Borrows `fns`, which must outlive the pool. At most `max_idle` sessions
  // are kept idle; more are opened under load and closed when returned.
  SessionPool(CK_FUNCTION_LIST* fns, CK_SLOT_ID slot, std::string token_name, size_t max_idle);
  SessionPool(const SessionPool&) = delete;
  SessionPool& operator=(const SessionPool&) = delete;
  ~SessionPool();  // closes the idle sessions; every Lease must be gone

  class Lease final {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();

    CK_SESSION_HANDLE handle() const { return handle_; }
    // True when the session was opened for this lease (not yet logged in).
    bool fresh() const { return fresh_; }
    // The module reported the handle invalid: drop it without C_CloseSession
    // (the number may already belong to another thread's new session).
    void Forget() { forget_ = true; }
    // Close the session instead of returning it (its state is unknown).
    void Discard() { discard_ = true; }

   private:
    friend class SessionPool;
    Lease(SessionPool* pool, CK_SESSION_HANDLE handle, uint64_t epoch, bool fresh)
        : pool_(pool), handle_(handle), epoch_(epoch), fresh_(fresh) {}

    SessionPool* pool_;  // null after a move
    CK_SESSION_HANDLE handle_;
    uint64_t epoch_;
    bool fresh_;
    bool forget_ = false;
    bool discard_ = false;
  };

  // An idle session, or a new one; only a new one when `fresh_only` (a retry
  // after a lost session must not meet another stale one). C_OpenSession
  // errors as CkError (e.g. UNAVAILABLE for CKR_TOKEN_NOT_PRESENT,
  // RESOURCE_EXHAUSTED for CKR_SESSION_COUNT).
  absl::StatusOr<Lease> Acquire(bool fresh_only = false);

  // Forgets all sessions (see the file comment).
  void Reset();

 private:
  void Return(const Lease& lease);

  CK_FUNCTION_LIST* const fns_;
  const CK_SLOT_ID slot_;
  const std::string token_name_;
  const size_t max_idle_;
  std::mutex mu_;
  std::vector<CK_SESSION_HANDLE> idle_;  // guarded by mu_
  uint64_t epoch_ = 0;                   // guarded by mu_; bumped by Reset()
};

}  // namespace breakglass::hsm::pkcs11::internal

#endif  // BREAKGLASS_HSM_PKCS11_INTERNAL_SESSION_POOL_H_
