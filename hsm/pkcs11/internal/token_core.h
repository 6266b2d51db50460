// Internal to hsm/pkcs11: one logged-in token — the loaded module, the slot,
// the user PIN, a session pool, and the recovery rules every operation shares.
//
// Run(op) leases a logged-in session and calls op(session). When op fails with
// a recoverable CK_RV (carried by the status, see ck_status.h) it recovers and
// retries, at most kMaxRetries times:
//   CKR_USER_NOT_LOGGED_IN                 log in again (C_Login), same session
//   CKR_SESSION_HANDLE_INVALID / _CLOSED   forget the session, use a new one
//   CKR_DEVICE_REMOVED / TOKEN_NOT_PRESENT forget all sessions, use a new one
//   CKR_KEY_HANDLE_INVALID / OBJECT_...    look the objects up again
//   CKR_OPERATION_ACTIVE                   close the session, use a new one
// Anything else is returned unchanged. Object handles are cached by callers
// against generation(), which every recovery bumps.
//
// Thread-safety: all methods are safe from many threads (the module is
// initialised with OS locking; the pool has its own lock).
#ifndef BREAKGLASS_HSM_PKCS11_INTERNAL_TOKEN_CORE_H_
#define BREAKGLASS_HSM_PKCS11_INTERNAL_TOKEN_CORE_H_

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/status/statusor.h"
#include "hsm/pkcs11/internal/module.h"
#include "hsm/pkcs11/internal/pkcs11.h"
#include "hsm/pkcs11/internal/session_pool.h"
#include "hsm/pkcs11/internal/uri.h"
#include "vault/base/secret_bytes.h"

namespace breakglass::hsm::pkcs11::internal {

// What an object lookup asks for: class and label, optionally CKA_ID.
struct ObjectQuery {
  CK_OBJECT_CLASS object_class;
  std::string label;
  std::optional<std::string> id;
};

class TokenCore final {
 public:
  static constexpr int kMaxRetries = 2;

  // Loads the module, selects the one token `uri` matches, and logs in with
  // `pin` (so a wrong PIN fails here). NOT_FOUND when no token matches (the
  // message lists the tokens seen); FAILED_PRECONDITION when several do, or
  // the token is not initialised; PERMISSION_DENIED for a refused PIN.
  static absl::StatusOr<std::unique_ptr<TokenCore>> Open(const std::string& module_path,
                                                         const PkcsUri& uri, base::SecretBytes pin,
                                                         size_t max_idle_sessions);
  ~TokenCore();

  // Runs `op(CK_SESSION_HANDLE)` (returning absl::Status or StatusOr<T>) on a
  // logged-in session with the recovery rules of the file comment.
  template <typename Op>
  auto Run(Op&& op) -> std::invoke_result_t<Op&, CK_SESSION_HANDLE>;

  // FAILED_PRECONDITION naming the mechanism and `purpose` unless the token
  // supports `mechanism` with all of `flags` (e.g. CKF_ENCRYPT | CKF_DECRYPT).
  absl::Status RequireMechanism(CK_MECHANISM_TYPE mechanism, CK_FLAGS flags,
                                std::string_view purpose) const;

  // The only object matching `query`. NOT_FOUND (naming label, class and
  // token) when none; FAILED_PRECONDITION when several.
  absl::StatusOr<CK_OBJECT_HANDLE> FindOne(CK_SESSION_HANDLE session,
                                           const ObjectQuery& query) const;
  // Every object matching the template.
  absl::StatusOr<std::vector<CK_OBJECT_HANDLE>> FindAll(CK_SESSION_HANDLE session,
                                                        CK_ATTRIBUTE* tmpl, CK_ULONG count) const;
  // One attribute's bytes (two-call C_GetAttributeValue).
  absl::StatusOr<std::string> GetAttribute(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
                                           CK_ATTRIBUTE_TYPE type, std::string_view what) const;
  absl::StatusOr<CK_ULONG> GetUlong(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
                                    CK_ATTRIBUTE_TYPE type, std::string_view what) const;

  // OK when `session` is logged in as the user; otherwise a CkError with
  // CKR_USER_NOT_LOGGED_IN, which Run() recovers from.
  absl::Status CheckLoggedIn(CK_SESSION_HANDLE session) const;

  absl::StatusOr<bool> GetBool(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
                               CK_ATTRIBUTE_TYPE type, std::string_view what) const;

  // C_Login calls made so far (1 after Open; more after recoveries).
  uint64_t logins() const { return logins_.load(std::memory_order_relaxed); }

  // Bumped by every recovery; cached object handles older than this are stale.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  CK_FUNCTION_LIST* fns() const { return module_->fns(); }
  CK_SLOT_ID slot() const { return slot_; }
  const CK_TOKEN_INFO& info() const { return info_; }
  // "token 'breakglass'", for error messages.
  const std::string& name() const { return name_; }
  // The token as an RFC 7512 URI (label, manufacturer, model, serial).
  std::string Describe() const { return FormatTokenUri(info_); }
  // "secret key 'share-seal' on token 'breakglass'".
  std::string DescribeObject(const ObjectQuery& query) const;

 private:
  TokenCore(std::unique_ptr<Module> module, CK_SLOT_ID slot, const CK_TOKEN_INFO& info,
            base::SecretBytes pin, size_t max_idle_sessions);
  absl::StatusOr<SessionPool::Lease> AcquireLoggedIn(bool fresh_only);
  absl::Status EnsureLoggedIn(CK_SESSION_HANDLE session);
  absl::Status Login(CK_SESSION_HANDLE session);
  // OK when the caller should retry; otherwise the error to return.
  absl::Status Recover(const absl::Status& failure, SessionPool::Lease& lease, bool* fresh_only);

  std::unique_ptr<Module> module_;
  const CK_SLOT_ID slot_;
  const CK_TOKEN_INFO info_;
  const std::string name_;
  const base::SecretBytes pin_;
  SessionPool pool_;  // destroyed before module_
  std::atomic<uint64_t> generation_{0};
  std::atomic<uint64_t> logins_{0};
};

inline const absl::Status& StatusOf(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& result) {
  return result.status();
}

template <typename Op>
auto TokenCore::Run(Op&& op) -> std::invoke_result_t<Op&, CK_SESSION_HANDLE> {
  bool fresh_only = false;
  for (int attempt = 0;; ++attempt) {
    absl::StatusOr<SessionPool::Lease> lease = AcquireLoggedIn(fresh_only);
    if (!lease.ok()) return lease.status();
    auto result = op(lease->handle());
    if (result.ok() || attempt >= kMaxRetries) return result;
    absl::Status retry = Recover(StatusOf(result), *lease, &fresh_only);
    if (!retry.ok()) return retry;
  }
}

}  // namespace breakglass::hsm::pkcs11::internal

#endif  // BREAKGLASS_HSM_PKCS11_INTERNAL_TOKEN_CORE_H_
