// Token: one PKCS#11 token, opened through p11-kit and logged in as the user.
// Keystores and signers on the token share it (std::shared_ptr) and with it
// one module load, one login and one session pool.
//
//   auto pin = ReadPinFile("/etc/breakglass/hsm.pin");
//   auto token = Token::Open({.module_path = "/usr/lib/softhsm/libsofthsm2.so",
//                             .uri = "pkcs11:token=breakglass"}, *std::move(pin));
//   auto keystore = Pkcs11Keystore::Open(*token, "pkcs11:object=share-seal");
//
// The token is chosen by an RFC 7512 URI parsed with p11_kit_uri_parse; its
// token and slot attributes must match exactly one token in the module. The
// module is loaded with p11_kit_module_load and initialised with
// CKF_OS_LOCKING_OK. Sessions come from a pool; after CKR_USER_NOT_LOGGED_IN,
// a lost session or a token reset they are re-opened and logged in again
// (hsm/pkcs11/internal/token_core.h has the rules).
//
// Errors from Open: NOT_FOUND (module file missing, or no token matches — the
// message lists the tokens present), INVALID_ARGUMENT (URI does not parse or
// carries a PIN), FAILED_PRECONDITION (module does not load, several tokens
// match, token not initialised), PERMISSION_DENIED (PIN refused: the message
// names CKR_PIN_INCORRECT / CKR_PIN_LOCKED), UNAVAILABLE (device trouble).
//
// PKCS#11 login state belongs to the application (v2.40 §5.6), not to a
// session or a Token: while another Token in this process is logged in to the
// same token, Open finds its session logged in and does not check the PIN.
//
// Thread-safety: a Token is safe to use from many threads.
#ifndef BREAKGLASS_HSM_PKCS11_TOKEN_H_
#define BREAKGLASS_HSM_PKCS11_TOKEN_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "vault/base/secret_bytes.h"

namespace breakglass::hsm::pkcs11 {

namespace internal {
class TokenCore;
}  // namespace internal

struct TokenOptions {
  // The PKCS#11 module, e.g. "/usr/lib/softhsm/libsofthsm2.so".
  std::string module_path;
  // Selects the token, e.g. "pkcs11:token=breakglass" (object parts ignored).
  std::string uri;
  // Sessions kept open between calls; more are opened under load.
  size_t max_idle_sessions = 8;
};

class Token final {
 public:
  // Opens and logs in (see the file comment for errors). Takes the PIN.
  static absl::StatusOr<std::shared_ptr<Token>> Open(const TokenOptions& options,
                                                     base::SecretBytes user_pin);

  Token(const Token&) = delete;
  Token& operator=(const Token&) = delete;
  ~Token();  // closes sessions, C_Finalize, releases the module

  // The token as an RFC 7512 URI: "pkcs11:model=...;manufacturer=...;
  // serial=...;token=breakglass".
  std::string Describe() const;
  // The token's label.
  std::string label() const;

  // For hsm/pkcs11's own classes; not for use elsewhere.
  internal::TokenCore& core() const { return *core_; }

 private:
  explicit Token(std::unique_ptr<internal::TokenCore> core);

  std::unique_ptr<internal::TokenCore> core_;
};

}  // namespace breakglass::hsm::pkcs11

#endif  // BREAKGLASS_HSM_PKCS11_TOKEN_H_
