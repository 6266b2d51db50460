// Signs approval, denial and review statements for the CLI with the signer's
// own key. The appliance never sees the private key. A key is either
//   - `--key`: an RFC 7512 PKCS#11 URI of a key on the custodian's own token,
//     through p11-kit (hsm/pkcs11/pkcs11_signer.h: Ed25519, or ECDSA P-256
//     hashed here): "pkcs11:token=alice;object=approval?module-path=/usr/lib/
//     softhsm/libsofthsm2.so&pin-source=file:/home/alice/.pin". Without
//     module-path, $BREAKGLASS_PKCS11_MODULE or p11-kit's proxy module is
//     used; without pin-source, $BREAKGLASS_PKCS11_PIN_FILE. The PIN file
//     must be mode 0600 (or stricter); a pin-value in the URI is refused.
//   - `--key-file`: the path of an unencrypted PEM private key file (Ed25519
//     or ECDSA P-256).
// The profile's defaults are `signing_key` (a URI) and `signing_key_file`.
// `--key` takes only URIs: a path there is refused with a pointer to
// --key-file (the global `--key`, before the command, is the TLS client key).
//
// Thread-safety: pure functions.
#ifndef BREAKGLASS_API_CLI_SIGNER_H_
#define BREAKGLASS_API_CLI_SIGNER_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace breakglass::cli {

// Exactly one of the two is set.
struct SigningKeySpec {
  std::string pkcs11_uri;  // "pkcs11:..."
  std::string pem_file;    // path of a PEM private key
};

// The key to sign with: the flags (`--key`, `--key-file`) if either is given,
// else the profile's (`signing_key`, `signing_key_file`). INVALID_ARGUMENT
// naming the flag or profile key when both of a pair are set, when --key or
// signing_key is not a pkcs11: URI (saying to use --key-file /
// signing_key_file for a PEM file), or when no key is given at all.
absl::StatusOr<SigningKeySpec> ResolveSigningKey(const std::string& flag_key,
                                                 const std::string& flag_key_file,
                                                 const std::string& profile_key,
                                                 const std::string& profile_key_file);

// The signature over `message` by `key`. INVALID_ARGUMENT naming --key-file
// when the file cannot be read or is not a supported key; for tokens,
// INVALID_ARGUMENT naming --key for a bad URI or PIN source, and Token::Open
// / Pkcs11Signer::Open errors (NOT_FOUND, PERMISSION_DENIED for a wrong PIN,
// ...) prefixed with the URI.
absl::StatusOr<std::string> SignWith(const SigningKeySpec& key, std::string_view message);

}  // namespace breakglass::cli

#endif  // BREAKGLASS_API_CLI_SIGNER_H_
