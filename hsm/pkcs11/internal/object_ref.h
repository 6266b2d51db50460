// Internal to hsm/pkcs11: a key on a token, named by label (and optionally
// CKA_ID), with its object handle cached until the token recovers from a lost
// session or reset (TokenCore::generation()), when it is looked up again.
//
// Thread-safety: Get() is safe from many threads.
#ifndef BREAKGLASS_HSM_PKCS11_INTERNAL_OBJECT_REF_H_
#define BREAKGLASS_HSM_PKCS11_INTERNAL_OBJECT_REF_H_

#include <mutex>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "hsm/pkcs11/internal/pkcs11.h"
#include "hsm/pkcs11/internal/token_core.h"

namespace breakglass::hsm::pkcs11::internal {

// The object an RFC 7512 URI names on `token`: its token/slot attributes (if
// any) must match `token` and it must carry "object=" (the label).
// INVALID_ARGUMENT when the URI does not parse, names another token, has no
// object= part, or its type= is not `object_class`.
absl::StatusOr<ObjectQuery> QueryFromUri(const TokenCore& token, std::string_view uri,
                                         CK_OBJECT_CLASS object_class);

class ObjectRef final {
 public:
  // Borrows `token` (it must outlive this). `handle` was found at open.
  ObjectRef(TokenCore* token, ObjectQuery query, CK_OBJECT_HANDLE handle);

  // The handle, looked up again if the token recovered since it was cached.
  // FAILED_PRECONDITION when the object is no longer on the token.
  absl::StatusOr<CK_OBJECT_HANDLE> Get(CK_SESSION_HANDLE session);

  const ObjectQuery& query() const { return query_; }
  const std::string& label() const { return query_.label; }
  // "secret key 'share-seal' on token 'breakglass'".
  const std::string& description() const { return description_; }

 private:
  TokenCore* const token_;
  const ObjectQuery query_;
  const std::string description_;
  std::mutex mu_;
  CK_OBJECT_HANDLE handle_;  // guarded by mu_
  uint64_t generation_;      // guarded by mu_: token generation when handle_ was found
};

}  // namespace breakglass::hsm::pkcs11::internal

#endif  // BREAKGLASS_HSM_PKCS11_INTERNAL_OBJECT_REF_H_
