// Signs approval, denial and review statements for the CLI with the signer's
// own key: `pkcs11:...` (a PKCS#11 URI of a key on the custodian's token,
// through p11-kit) or the path of a PEM private key file (Ed25519 or ECDSA
// P-256, PKCS#8). The appliance never sees the private key.
//
// Thread-safety: pure functions.
#ifndef BREAKGLASS_API_CLI_SIGNER_H_
#define BREAKGLASS_API_CLI_SIGNER_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace breakglass::cli {

// The signature over `message` by the key `key_spec` names. INVALID_ARGUMENT
// naming --key when the key cannot be read or is not a supported key;
// UNIMPLEMENTED for PKCS#11 URIs until this build has the PKCS#11 signer.
absl::StatusOr<std::string> SignWithKey(const std::string& key_spec, std::string_view message);

}  // namespace breakglass::cli

#endif  // BREAKGLASS_API_CLI_SIGNER_H_
