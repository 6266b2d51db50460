// SigningKey (declared in signature.h): software Ed25519 / P-256 private keys.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"
#include "vault/crypto/internal/openssl_util.h"
#include "vault/crypto/signature.h"

namespace breakglass::crypto {
namespace {

using internal::BioPtr;
using internal::EvpMdCtxPtr;
using internal::EvpPkeyPtr;
using internal::OpenSslError;
using internal::Uchar;

int NoPassword(char*, int, int, void*) { return -1; }

absl::Status NotAPrivateKey(std::string_view form) {
  internal::ClearOpenSslErrors();
  return absl::InvalidArgumentError(absl::StrCat(
      "not an unencrypted ", std::string(form),
      " private key (encrypted keys are not supported; decrypt it with `openssl pkey` first)"));
}

}  // namespace

SigningKey::~SigningKey() = default;

absl::StatusOr<SigningKey> SigningKey::FromOwnedKey(EVP_PKEY* raw) {
  EvpPkeyPtr pkey(raw);
  const int len = i2d_PUBKEY(pkey.get(), nullptr);
  if (len <= 0) return OpenSslError("deriving the public key");
  std::string der(static_cast<size_t>(len), '\0');
  unsigned char* p = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_PUBKEY(pkey.get(), &p) != len) return OpenSslError("deriving the public key");
  BG_ASSIGN_OR_RETURN(PublicKey public_key, PublicKey::FromSpkiDer(der));
  return SigningKey(std::shared_ptr<EVP_PKEY>(pkey.release(), EVP_PKEY_free),
                    std::move(public_key));
}

absl::StatusOr<SigningKey> SigningKey::Generate(SignatureAlgorithm algorithm) {
  EVP_PKEY* pkey = algorithm == SignatureAlgorithm::kEd25519
                       ? EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")
                       : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (pkey == nullptr) return OpenSslError("generating a signing key");
  return FromOwnedKey(pkey);
}

absl::StatusOr<SigningKey> SigningKey::FromPem(const base::SecretBytes& pem) {
  const auto bytes = pem.view(base::InsecureSecretAccess::Get());
  BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
  if (bio == nullptr) return OpenSslError("reading the PEM private key");
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassword, nullptr);
  if (pkey == nullptr) return NotAPrivateKey("PEM");
  return FromOwnedKey(pkey);
}

absl::StatusOr<SigningKey> SigningKey::FromPkcs8Der(const base::SecretBytes& der) {
  const auto bytes = der.view(base::InsecureSecretAccess::Get());
  const unsigned char* p = Uchar(bytes);
  EVP_PKEY* pkey = d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(bytes.size()));
  if (pkey == nullptr || p != Uchar(bytes) + bytes.size()) {
    EVP_PKEY_free(pkey);
    return NotAPrivateKey("PKCS#8 DER");
  }
  return FromOwnedKey(pkey);
}

absl::StatusOr<SigningKey> SigningKey::FromEd25519Seed(const base::SecretBytes& seed32) {
  if (seed32.size() != kEd25519RawPublicKeySize) {
    return absl::InvalidArgumentError(
        absl::StrCat("an Ed25519 private key is 32 bytes, got ", seed32.size()));
  }
  EVP_PKEY* pkey = EVP_PKEY_new_raw_private_key_ex(
      nullptr, "ED25519", nullptr, seed32.data(base::InsecureSecretAccess::Get()), seed32.size());
  if (pkey == nullptr) return OpenSslError("importing the Ed25519 private key");
  return FromOwnedKey(pkey);
}

absl::StatusOr<std::string> SigningKey::Sign(std::string_view message) const {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  const char* md = public_key_.algorithm() == SignatureAlgorithm::kEd25519 ? nullptr : "SHA256";
  size_t len = 0;
  if (ctx == nullptr ||
      EVP_DigestSignInit_ex(ctx.get(), nullptr, md, nullptr, nullptr, pkey_.get(), nullptr) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, Uchar(message), message.size()) != 1) {
    return OpenSslError("signing");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, Uchar(message),
                     message.size()) != 1) {
    return OpenSslError("signing");
  }
  sig.resize(len);
  return sig;
}

absl::StatusOr<base::SecretBytes> SigningKey::ToPem() const {
  // A secure-memory BIO: its buffer is cleansed when freed.
  BioPtr bio(BIO_new(BIO_s_secmem()));
  if (bio == nullptr || PEM_write_bio_PrivateKey(bio.get(), pkey_.get(), nullptr, nullptr, 0,
                                                 nullptr, nullptr) != 1) {
    return OpenSslError("encoding the private key");
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return base::SecretBytes::CopyFrom(std::string_view(data, static_cast<size_t>(len)));
}

}  // namespace breakglass::crypto
