// Signs approval, denial and review statements for the CLI with the signer's
// own key. The appliance never sees the private key. A key is either
//   - an RFC 7512 PKCS#11 URI of a key on the custodian's own token, through
//     p11-kit (hsm/pkcs11/pkcs11_signer.h: Ed25519, or ECDSA P-256 hashed
//     here): "pkcs11:token=alice;object=approval?module-path=/usr/lib/
//     softhsm/libsofthsm2.so&pin-source=file:/home/alice/.pin". Without
//     module-path, $BREAKGLASS_PKCS11_MODULE or p11-kit's proxy module is
//     used; without pin-source, $BREAKGLASS_PKCS11_PIN_FILE. The PIN file
//     must be mode 0600 (or stricter); a pin-value in the URI is refused.
//   - the path of an unencrypted PEM private key file (Ed25519 or ECDSA P-256).
//
// Thread-safety: pure functions.
#ifndef BREAKGLASS_API_CLI_SIGNER_H_
#define BREAKGLASS_API_CLI_SIGNER_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace breakglass::cli {

// The signature over `message` by the key `key_spec` names. INVALID_ARGUMENT
// naming --key when the key cannot be read or is not a supported key; for
// tokens, Token::Open / Pkcs11Signer::Open errors (NOT_FOUND, PERMISSION_
// DENIED for a wrong PIN, ...) prefixed with the URI.
absl::StatusOr<std::string> SignWithKey(const std::string& key_spec, std::string_view message);

}  // namespace breakglass::cli

#endif  // BREAKGLASS_API_CLI_SIGNER_H_
