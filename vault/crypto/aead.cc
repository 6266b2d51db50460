#include "vault/crypto/aead.h"

#include <openssl/evp.h>

#include <climits>

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"
#include "vault/crypto/internal/openssl_util.h"

namespace breakglass::crypto {
namespace {

using base::InsecureSecretAccess;
using internal::EvpCipherCtxPtr;
using internal::OpenSslError;
using internal::Uchar;

// EVP lengths are int; a credential is far smaller than this.
constexpr size_t kMaxLength = INT_MAX - kGcmOverhead;

absl::Status AuthenticationFailed(std::string_view why) {
  internal::ClearOpenSslErrors();
  return absl::DataLossError(
      absl::StrCat("authentication failed: ", std::string(why),
                   " (wrong key, wrong associated data, or the sealed bytes were modified)"));
}

unsigned char* Out(std::string& s, size_t offset) {
  return reinterpret_cast<unsigned char*>(s.data()) + offset;
}

}  // namespace

absl::StatusOr<base::SecretBytes> GenerateAes256Key(base::Random& random) {
  base::SecretBytes key(kAes256KeySize);
  BG_RETURN_IF_ERROR(random.Fill({key.data(InsecureSecretAccess::Get()), key.size()}));
  return key;
}

absl::StatusOr<Aes256Gcm> Aes256Gcm::Create(base::SecretBytes key) {
  if (key.size() != kAes256KeySize) {
    return absl::InvalidArgumentError(
        absl::StrCat("an AES-256-GCM key is 32 bytes, got ", key.size()));
  }
  return Aes256Gcm(std::move(key));
}

absl::StatusOr<std::string> Aes256Gcm::Seal(const base::SecretBytes& plaintext,
                                            std::string_view aad, base::Random& random) const {
  std::string iv(kGcmIvSize, '\0');
  BG_RETURN_IF_ERROR(random.Fill({Out(iv, 0), iv.size()}));
  return SealWithIv(plaintext, aad, iv);
}

absl::StatusOr<std::string> Aes256Gcm::InsecureSealWithIvForTesting(
    const base::SecretBytes& plaintext, std::string_view aad, std::string_view iv) const {
  if (iv.size() != kGcmIvSize) {
    return absl::InvalidArgumentError(absl::StrCat("a GCM IV is 12 bytes, got ", iv.size()));
  }
  return SealWithIv(plaintext, aad, iv);
}

absl::StatusOr<std::string> Aes256Gcm::SealWithIv(const base::SecretBytes& plaintext,
                                                  std::string_view aad, std::string_view iv) const {
  if (plaintext.size() > kMaxLength || aad.size() > kMaxLength) {
    return absl::InvalidArgumentError("plaintext or associated data larger than 2 GiB");
  }
  const auto access = InsecureSecretAccess::Get();
  const size_t n = plaintext.size();
  std::string out(kGcmIvSize + n + kGcmTagSize, '\0');
  out.replace(0, kGcmIvSize, iv);
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (ctx == nullptr ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(access), Uchar(iv)) !=
          1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, Uchar(aad), static_cast<int>(aad.size())) != 1 ||
      (n > 0 && EVP_EncryptUpdate(ctx.get(), Out(out, kGcmIvSize), &len, plaintext.data(access),
                                  static_cast<int>(n)) != 1) ||
      EVP_EncryptFinal_ex(ctx.get(), Out(out, kGcmIvSize + n), &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kGcmTagSize, Out(out, kGcmIvSize + n)) !=
          1) {
    return OpenSslError("AES-256-GCM encryption");
  }
  return out;
}

absl::StatusOr<base::SecretBytes> Aes256Gcm::Open(std::string_view sealed,
                                                  std::string_view aad) const {
  if (sealed.size() < kGcmOverhead) {
    return AuthenticationFailed(absl::StrCat("sealed data is ", sealed.size(),
                                             " bytes, shorter than the 28-byte IV and tag"));
  }
  if (sealed.size() > kMaxLength || aad.size() > kMaxLength) {
    return absl::InvalidArgumentError("sealed data or associated data larger than 2 GiB");
  }
  const auto access = InsecureSecretAccess::Get();
  const std::string_view iv = sealed.substr(0, kGcmIvSize);
  const size_t n = sealed.size() - kGcmOverhead;
  const std::string_view ciphertext = sealed.substr(kGcmIvSize, n);
  std::string tag(sealed.substr(kGcmIvSize + n));
  base::SecretBytes plaintext(n);
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (ctx == nullptr ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(access), Uchar(iv)) !=
          1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kGcmTagSize, tag.data()) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, Uchar(aad), static_cast<int>(aad.size())) != 1 ||
      (n > 0 && EVP_DecryptUpdate(ctx.get(), plaintext.data(access), &len, Uchar(ciphertext),
                                  static_cast<int>(n)) != 1)) {
    return OpenSslError("AES-256-GCM decryption");
  }
  unsigned char final_block[16];
  if (EVP_DecryptFinal_ex(ctx.get(), final_block, &len) != 1) {
    // `plaintext` holds unauthenticated bytes: it is wiped as it goes out of scope.
    return AuthenticationFailed("the GCM tag does not match");
  }
  return plaintext;
}

}  // namespace breakglass::crypto
