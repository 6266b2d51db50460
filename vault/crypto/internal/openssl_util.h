// Internal to vault/crypto: RAII owners for OpenSSL 3 handles and the one place
// that turns an OpenSSL failure into an absl::Status.
//
// Not part of the crypto API; only vault/crypto/*.cc include it.
//
// Thread-safety: the helpers are stateless; each owner is a unique_ptr.
#ifndef BREAKGLASS_VAULT_CRYPTO_INTERNAL_OPENSSL_UTIL_H_
#define BREAKGLASS_VAULT_CRYPTO_INTERNAL_OPENSSL_UTIL_H_

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace breakglass::crypto::internal {

template <typename T, void (*Free)(T*)>
struct OpenSslDeleter {
  void operator()(T* p) const { Free(p); }
};

inline void FreeBio(BIO* b) { BIO_free(b); }

using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY, EVP_PKEY_free>>;
using EvpPkeyCtxPtr =
    std::unique_ptr<EVP_PKEY_CTX, OpenSslDeleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, OpenSslDeleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using EvpCipherCtxPtr =
    std::unique_ptr<EVP_CIPHER_CTX, OpenSslDeleter<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>>;
using EvpKdfPtr = std::unique_ptr<EVP_KDF, OpenSslDeleter<EVP_KDF, EVP_KDF_free>>;
using EvpKdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, OpenSslDeleter<EVP_KDF_CTX, EVP_KDF_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO, FreeBio>>;

inline const unsigned char* Uchar(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// INTERNAL "<what> failed (OpenSSL: <first queued error>)". Clears OpenSSL's
// thread-local error queue so no stale error leaks into a later call. OpenSSL
// error strings never contain key or plaintext bytes.
absl::Status OpenSslError(std::string_view what);

// Empties OpenSSL's thread-local error queue (after an expected failure such as
// a signature or tag mismatch).
void ClearOpenSslErrors();

}  // namespace breakglass::crypto::internal

#endif  // BREAKGLASS_VAULT_CRYPTO_INTERNAL_OPENSSL_UTIL_H_
