#include "vault/crypto/release_box.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"
#include "vault/crypto/aead.h"
#include "vault/crypto/internal/openssl_util.h"

namespace breakglass::crypto::release_box {
namespace {

using base::InsecureSecretAccess;
using base::SecretBytes;
using internal::EvpKdfCtxPtr;
using internal::EvpKdfPtr;
using internal::EvpPkeyCtxPtr;
using internal::EvpPkeyPtr;
using internal::OpenSslError;
using internal::Uchar;

constexpr size_t kSha256Size = 32;
constexpr size_t kMaxHkdfInfo = 1024;

absl::Status CheckContext(std::string_view context) {
  if (context.empty() || context.size() > kMaxContextSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "release-box context (the request id) must be 1 to 512 bytes, got ", context.size()));
  }
  return absl::OkStatus();
}

absl::StatusOr<EvpPkeyPtr> ImportPrivate(const SecretBytes& key) {
  if (key.size() != kX25519KeySize) {
    return absl::InvalidArgumentError(
        absl::StrCat("an X25519 private key is 32 bytes, got ", key.size()));
  }
  EvpPkeyPtr pkey(EVP_PKEY_new_raw_private_key_ex(
      nullptr, "X25519", nullptr, key.data(InsecureSecretAccess::Get()), key.size()));
  if (pkey == nullptr) return OpenSslError("importing the X25519 private key");
  return pkey;
}

absl::StatusOr<EvpPkeyPtr> ImportPublic(std::string_view key) {
  if (key.size() != kX25519KeySize) {
    return absl::InvalidArgumentError(
        absl::StrCat("an X25519 public key is 32 bytes, got ", key.size()));
  }
  EvpPkeyPtr pkey(
      EVP_PKEY_new_raw_public_key_ex(nullptr, "X25519", nullptr, Uchar(key), key.size()));
  if (pkey == nullptr) return OpenSslError("importing the X25519 public key");
  return pkey;
}

std::string PublicOf(EVP_PKEY* pkey) {
  std::string pub(kX25519KeySize, '\0');
  size_t len = pub.size();
  if (EVP_PKEY_get_raw_public_key(pkey, reinterpret_cast<unsigned char*>(pub.data()), &len) != 1 ||
      len != kX25519KeySize) {
    std::abort();  // an X25519 key always has a 32-byte public key
  }
  return pub;
}

// X25519(private, peer). INVALID_ARGUMENT when the result is all zero (a
// low-order peer key; OpenSSL refuses those inside derive).
absl::StatusOr<SecretBytes> Agree(EVP_PKEY* private_key, EVP_PKEY* peer) {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, private_key, nullptr));
  if (ctx == nullptr || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_derive_set_peer(ctx.get(), peer) != 1) {
    return OpenSslError("setting up X25519 key agreement");
  }
  SecretBytes shared(kX25519KeySize);
  size_t len = shared.size();
  const uint8_t zero[kX25519KeySize] = {0};
  if (EVP_PKEY_derive(ctx.get(), shared.data(InsecureSecretAccess::Get()), &len) != 1 ||
      len != kX25519KeySize ||
      CRYPTO_memcmp(shared.data(InsecureSecretAccess::Get()), zero, len) == 0) {
    internal::ClearOpenSslErrors();
    return absl::InvalidArgumentError(
        "X25519 key agreement produced no shared secret: the public key is a low-order point");
  }
  return shared;
}

absl::StatusOr<Aes256Gcm> BoxKey(const SecretBytes& shared, std::string_view epk,
                                 std::string_view rpk, std::string_view context) {
  const std::string salt = absl::StrCat(std::string(epk), std::string(rpk));
  const std::string info =
      absl::StrCat(std::string(kHkdfLabel), std::string(1, '\0'), std::string(context));
  BG_ASSIGN_OR_RETURN(SecretBytes key, HkdfSha256(shared, salt, info, kAes256KeySize));
  return Aes256Gcm::Create(std::move(key));
}

std::string Aad(std::string_view header, std::string_view context) {
  return absl::StrCat(std::string(header), std::string(context));
}

absl::Status OpenFailed(std::string_view why) {
  return absl::DataLossError(
      absl::StrCat("authentication failed: ", std::string(why),
                   " (wrong private key, wrong request id, or a modified envelope)"));
}

}  // namespace

absl::StatusOr<X25519KeyPair> Generate(base::Random& random) {
  SecretBytes private_key(kX25519KeySize);
  BG_RETURN_IF_ERROR(
      random.Fill({private_key.data(InsecureSecretAccess::Get()), private_key.size()}));
  return FromPrivateKey(std::move(private_key));
}

absl::StatusOr<X25519KeyPair> FromPrivateKey(SecretBytes private_key) {
  BG_ASSIGN_OR_RETURN(const EvpPkeyPtr pkey, ImportPrivate(private_key));
  return X25519KeyPair{PublicOf(pkey.get()), std::move(private_key)};
}

absl::StatusOr<std::string> SealTo(std::string_view recipient_public_key, std::string_view context,
                                   const SecretBytes& plaintext, base::Random& random) {
  BG_RETURN_IF_ERROR(CheckContext(context));
  BG_ASSIGN_OR_RETURN(const EvpPkeyPtr recipient, ImportPublic(recipient_public_key));
  BG_ASSIGN_OR_RETURN(const X25519KeyPair ephemeral, Generate(random));
  BG_ASSIGN_OR_RETURN(const EvpPkeyPtr eph, ImportPrivate(ephemeral.private_key));
  BG_ASSIGN_OR_RETURN(const SecretBytes shared, Agree(eph.get(), recipient.get()));
  BG_ASSIGN_OR_RETURN(const Aes256Gcm box,
                      BoxKey(shared, ephemeral.public_key, recipient_public_key, context));
  const std::string header =
      absl::StrCat(std::string(1, static_cast<char>(kVersion1)), ephemeral.public_key);
  BG_ASSIGN_OR_RETURN(const std::string sealed, box.Seal(plaintext, Aad(header, context), random));
  return absl::StrCat(header, sealed);
}

absl::StatusOr<SecretBytes> Open(const SecretBytes& recipient_private_key, std::string_view context,
                                 std::string_view envelope) {
  BG_RETURN_IF_ERROR(CheckContext(context));
  BG_ASSIGN_OR_RETURN(const EvpPkeyPtr recipient, ImportPrivate(recipient_private_key));
  if (envelope.empty()) return OpenFailed("the envelope is empty");
  if (static_cast<uint8_t>(envelope[0]) != kVersion1) {
    return absl::InvalidArgumentError(
        absl::StrCat("release-box envelope version ", static_cast<int>(envelope[0] & 0xff),
                     " is not supported (this build reads version 1); upgrade the CLI"));
  }
  if (envelope.size() < kEnvelopeOverhead) {
    return OpenFailed(absl::StrCat("the envelope is ", envelope.size(),
                                   " bytes, shorter than the 61-byte minimum"));
  }
  const std::string_view header = envelope.substr(0, kHeaderSize);
  const std::string_view epk = header.substr(1);
  BG_ASSIGN_OR_RETURN(const EvpPkeyPtr eph, ImportPublic(epk));
  auto shared = Agree(recipient.get(), eph.get());
  if (!shared.ok()) return OpenFailed("the ephemeral key is a low-order point");
  BG_ASSIGN_OR_RETURN(const Aes256Gcm box,
                      BoxKey(*shared, epk, PublicOf(recipient.get()), context));
  auto plaintext = box.Open(envelope.substr(kHeaderSize), Aad(header, context));
  if (!plaintext.ok() && absl::IsDataLoss(plaintext.status())) {
    return OpenFailed("the AES-GCM tag does not match");
  }
  return plaintext;
}

absl::StatusOr<SecretBytes> HkdfSha256(const SecretBytes& ikm, std::string_view salt,
                                       std::string_view info, size_t length) {
  if (ikm.empty() || length == 0 || length > 255 * kSha256Size || info.size() > kMaxHkdfInfo) {
    return absl::InvalidArgumentError(absl::StrCat(
        "HKDF-SHA256 needs a non-empty key, 1..8160 output bytes and info of at most 1024 bytes "
        "(got output ",
        length, ", info ", info.size(), ")"));
  }
  EvpKdfPtr kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
  EvpKdfCtxPtr ctx(kdf == nullptr ? nullptr : EVP_KDF_CTX_new(kdf.get()));
  if (ctx == nullptr) return OpenSslError("loading HKDF");
  OSSL_PARAM params[5];
  OSSL_PARAM* p = params;
  *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>("SHA256"), 0);
  *p++ = OSSL_PARAM_construct_octet_string(
      OSSL_KDF_PARAM_KEY, const_cast<uint8_t*>(ikm.data(InsecureSecretAccess::Get())), ikm.size());
  if (!salt.empty()) {
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char*>(salt.data()),
                                             salt.size());
  }
  if (!info.empty()) {
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<char*>(info.data()),
                                             info.size());
  }
  *p = OSSL_PARAM_construct_end();
  SecretBytes out(length);
  if (EVP_KDF_derive(ctx.get(), out.data(InsecureSecretAccess::Get()), length, params) != 1) {
    return OpenSslError("HKDF-SHA256");
  }
  return out;
}

}  // namespace breakglass::crypto::release_box
