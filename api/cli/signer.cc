#include "api/cli/signer.h"

#include <openssl/crypto.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "hsm/pkcs11/pin.h"
#include "hsm/pkcs11/pkcs11_signer.h"
#include "vault/base/secret_bytes.h"
#include "vault/base/status.h"
#include "vault/crypto/signature.h"

namespace breakglass::cli {
namespace {

// p11-kit's proxy module: every module registered with p11-kit.
constexpr char kDefaultModule[] = "/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so";

struct Pkcs11Key {
  std::string uri;  // path part only ("pkcs11:token=alice;object=approval")
  std::string module;
  std::string pin_file;
};

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 percent-decoding of a query value.
std::string PercentDecode(absl::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size() && HexValue(in[i + 1]) >= 0 &&
        HexValue(in[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2]));
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

// Splits "pkcs11:PATH?module-path=M&pin-source=file:P" (RFC 7512 §2.3
// query attributes); the module and PIN file fall back to
// $BREAKGLASS_PKCS11_MODULE (else p11-kit's proxy) and
// $BREAKGLASS_PKCS11_PIN_FILE.
absl::StatusOr<Pkcs11Key> ParsePkcs11Key(const std::string& spec) {
  Pkcs11Key key;
  const size_t q = spec.find('?');
  key.uri = spec.substr(0, q);
  if (q != std::string::npos) {
    for (absl::string_view attr : absl::StrSplit(spec.substr(q + 1), '&')) {
      const std::string value = PercentDecode(attr.substr(attr.find('=') + 1));
      if (absl::StartsWith(attr, "module-path=")) {
        key.module = value;
      } else if (absl::StartsWith(attr, "pin-source=")) {
        if (!absl::StartsWith(value, "file:")) {
          return absl::InvalidArgumentError("--key: pin-source must be a file: URI");
        }
        key.pin_file = value.substr(absl::StartsWith(value, "file://") ? 7 : 5);
      } else if (absl::StartsWith(attr, "pin-value=")) {
        return absl::InvalidArgumentError(
            "--key: a PIN in the URI (pin-value) is refused; use pin-source=file:PATH");
      }
    }
  }
  if (key.module.empty()) key.module = Env("BREAKGLASS_PKCS11_MODULE");
  if (key.module.empty()) key.module = kDefaultModule;
  if (key.pin_file.empty()) key.pin_file = Env("BREAKGLASS_PKCS11_PIN_FILE");
  if (key.pin_file.empty()) {
    return absl::InvalidArgumentError(
        "--key: no PIN for the token: add ?pin-source=file:PATH to the URI or set "
        "BREAKGLASS_PKCS11_PIN_FILE (a 0600 file)");
  }
  return key;
}

absl::StatusOr<std::string> SignOnToken(const std::string& spec, std::string_view message) {
  BG_ASSIGN_OR_RETURN(Pkcs11Key key, ParsePkcs11Key(spec));
  absl::StatusOr<base::SecretBytes> pin = hsm::pkcs11::ReadPinFile(key.pin_file);
  if (!pin.ok()) {
    return absl::Status(pin.status().code(),
                        absl::StrCat("--key: ", std::string(pin.status().message())));
  }
  absl::StatusOr<std::unique_ptr<hsm::pkcs11::Pkcs11Signer>> signer =
      hsm::pkcs11::Pkcs11Signer::Open(key.module, key.uri, *std::move(pin));
  if (!signer.ok()) {
    return absl::Status(signer.status().code(),
                        absl::StrCat("--key ", key.uri, ": ",
                                     std::string(signer.status().message())));
  }
  return (*signer)->Sign(message);
}

absl::StatusOr<base::SecretBytes> ReadKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("--key-file: cannot read ", path));
  std::ostringstream text;
  text << in.rdbuf();
  std::string pem = text.str();
  base::SecretBytes secret = base::SecretBytes::CopyFrom(pem);
  OPENSSL_cleanse(pem.data(), pem.size());
  return secret;
}

absl::StatusOr<std::string> SignWithFile(const std::string& path, std::string_view message) {
  BG_ASSIGN_OR_RETURN(base::SecretBytes pem, ReadKeyFile(path));
  absl::StatusOr<crypto::SigningKey> key = crypto::SigningKey::FromPem(pem);
  if (!key.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--key-file: ", path, " is not an unencrypted PEM Ed25519 or ECDSA P-256 private key"));
  }
  return key->Sign(message);
}

}  // namespace

absl::StatusOr<SigningKeySpec> ResolveSigningKey(const std::string& flag_key,
                                                 const std::string& flag_key_file,
                                                 const std::string& profile_key,
                                                 const std::string& profile_key_file) {
  const bool flags = !flag_key.empty() || !flag_key_file.empty();
  const std::string& uri = flags ? flag_key : profile_key;
  const std::string& file = flags ? flag_key_file : profile_key_file;
  const std::string uri_name = flags ? "--key" : "the profile's signing_key";
  const std::string file_name = flags ? "--key-file" : "signing_key_file";
  if (!uri.empty() && !file.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(uri_name, " and ", file_name, " are both set; give one key: ", uri_name,
                     " pkcs11:URI (a key on your token) or ", file_name, " PEM"));
  }
  if (!uri.empty() && !absl::StartsWith(uri, "pkcs11:")) {
    return absl::InvalidArgumentError(absl::StrCat(
        uri_name,
        " takes a pkcs11: URI of the key on your token; for a PEM private key file "
        "use ",
        file_name, " ", uri,
        flags ? " (the TLS client key is the global --key, given before the command)" : ""));
  }
  if (uri.empty() && file.empty()) {
    return absl::InvalidArgumentError(
        "no signing key: pass --key pkcs11:URI or --key-file PEM (or set signing_key or "
        "signing_key_file in the profile)");
  }
  return SigningKeySpec{uri, file};
}

absl::StatusOr<std::string> SignWith(const SigningKeySpec& key, std::string_view message) {
  if (!key.pkcs11_uri.empty()) return SignOnToken(key.pkcs11_uri, message);
  if (!key.pem_file.empty()) return SignWithFile(key.pem_file, message);
  return absl::InvalidArgumentError("no signing key: pass --key pkcs11:URI or --key-file PEM");
}

}  // namespace breakglass::cli
