// Internal to hsm/pkcs11: the one place where a PKCS#11 CK_RV becomes an
// absl::Status (STYLE.md "Vendor C headers stay at the edge").
//
// A failed call becomes a status whose code follows the table in ck_status.cc
// and whose message names the PKCS#11 function, what it was working on, the
// CKR_ name, and what an operator can do:
//   "C_Login on token 'breakglass': CKR_PIN_INCORRECT: the user PIN was
//    refused; check the PIN file (tokens may lock after repeated failures)"
// The CK_RV travels with the status as a payload, so the session pool can tell
// a lost session or a logout (recoverable) from everything else.
//
// Thread-safety: stateless; safe from any thread.
#ifndef BREAKGLASS_HSM_PKCS11_INTERNAL_CK_STATUS_H_
#define BREAKGLASS_HSM_PKCS11_INTERNAL_CK_STATUS_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "hsm/pkcs11/internal/pkcs11.h"

namespace breakglass::hsm::pkcs11::internal {

// "CKR_PIN_INCORRECT"; "CKR_0x000000a0"-style hex for codes not in the table.
std::string CkrName(CK_RV rv);

// "CKM_AES_GCM" for the mechanisms breakglass uses; hex otherwise.
std::string CkmName(CK_MECHANISM_TYPE mechanism);

// The status for a failed call (`rv` != CKR_OK). `function` is the PKCS#11
// function ("C_Encrypt"); `context` says on what ("key 'share-seal' on token
// 'breakglass'"). Never contains secret bytes: callers pass only names.
absl::Status CkError(CK_RV rv, std::string_view function, std::string_view context);

// OK for CKR_OK, CkError otherwise.
absl::Status CkCheck(CK_RV rv, std::string_view function, std::string_view context);

// The CK_RV carried by a status that CkError made; nullopt for any other.
std::optional<CK_RV> CkrOf(const absl::Status& status);

}  // namespace breakglass::hsm::pkcs11::internal

#endif  // BREAKGLASS_HSM_PKCS11_INTERNAL_CK_STATUS_H_
