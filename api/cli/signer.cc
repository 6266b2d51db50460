#include "api/cli/signer.h"

#include <openssl/crypto.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "vault/base/secret_bytes.h"
#include "vault/base/status.h"
#include "vault/crypto/signature.h"

namespace breakglass::cli {
namespace {

absl::StatusOr<base::SecretBytes> ReadKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("--key: cannot read ", path));
  std::ostringstream text;
  text << in.rdbuf();
  std::string pem = text.str();
  base::SecretBytes secret = base::SecretBytes::CopyFrom(pem);
  OPENSSL_cleanse(pem.data(), pem.size());
  return secret;
}

}  // namespace

absl::StatusOr<std::string> SignWithKey(const std::string& key_spec, std::string_view message) {
  if (key_spec.empty()) {
    return absl::InvalidArgumentError(
        "no signing key: pass --key pkcs11:URI or --key FILE.pem (or set signing_key in the "
        "profile)");
  }
  if (key_spec.rfind("pkcs11:", 0) == 0) {
    return absl::UnimplementedError(
        "--key pkcs11:... needs the PKCS#11 signer, which this build of breakglass does not "
        "have yet; use --key FILE.pem");
  }
  BG_ASSIGN_OR_RETURN(base::SecretBytes pem, ReadKeyFile(key_spec));
  absl::StatusOr<crypto::SigningKey> key = crypto::SigningKey::FromPem(pem);
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--key: ", key_spec,
                     " is not an unencrypted PEM Ed25519 or ECDSA P-256 private key"));
  }
  return key->Sign(message);
}

}  // namespace breakglass::cli
