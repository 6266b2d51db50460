// Release box: hands a released credential to the requester, encrypted to the
// X25519 key the requester's CLI generated for that one request (DESIGN.md
// "Secrets"). Ephemeral-static ECDH (X25519, RFC 7748 §6.1) + HKDF-SHA256
// (RFC 5869) + AES-256-GCM (NIST SP 800-38D). The same shape as HPKE base mode
// (RFC 9180) but with a fixed suite and a simpler, fully specified encoding.
//
// ENVELOPE FORMAT, version 1 (byte offsets; n = plaintext length):
//
//   offset  size  field
//   0       1     version = 0x01
//   1       32    epk: the sender's ephemeral X25519 public key (RFC 7748 u-coordinate)
//   33      12    iv: AES-GCM nonce
//   45      n     ciphertext
//   45+n    16    GCM tag
//
// Decoding, for auditors and other implementations (context = the request id,
// as UTF-8 bytes, never empty, at most 512 bytes; rpk = recipient public key):
//   1. Refuse unless envelope[0] == 0x01 and its length is >= 61.
//   2. shared = X25519(recipient_private, epk). Refuse if shared is all zero
//      (epk was a low-order point).
//   3. key = HKDF-SHA256(IKM = shared, salt = epk || rpk,
//                        info = "breakglass release-box v1" || 0x00 || context,
//                        L = 32).
//   4. plaintext = AES-256-GCM-Open(key, iv, aad = envelope[0..33) || context,
//                                   ciphertext || tag).
// The context is bound twice: into the key (HKDF info) and into the AAD, so an
// envelope for one request does not open for another. The header (version and
// epk) is authenticated through the AAD.
//
// Errors: Open returns DATA_LOSS for a wrong key, wrong context, or any
// truncated or modified envelope, and never partial plaintext;
// INVALID_ARGUMENT for a malformed key or context, or an unknown version
// (naming it). No error message contains key or plaintext bytes.
//
// Thread-safety: all functions are stateless and thread-safe; the Random must
// be (base::Random implementations are).
#ifndef BREAKGLASS_VAULT_CRYPTO_RELEASE_BOX_H_
#define BREAKGLASS_VAULT_CRYPTO_RELEASE_BOX_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "vault/base/random.h"
#include "vault/base/secret_bytes.h"

namespace breakglass::crypto::release_box {

inline constexpr uint8_t kVersion1 = 0x01;
inline constexpr size_t kX25519KeySize = 32;
inline constexpr size_t kHeaderSize = 1 + kX25519KeySize;           // version || epk
inline constexpr size_t kEnvelopeOverhead = kHeaderSize + 12 + 16;  // + iv + tag
inline constexpr size_t kMaxContextSize = 512;
inline constexpr std::string_view kHkdfLabel = "breakglass release-box v1";

// A requester's key pair for one request.
struct X25519KeyPair {
  std::string public_key;         // 32 bytes, sent to the appliance
  base::SecretBytes private_key;  // 32 bytes, stays with the requester
};

// A fresh key pair whose private key is 32 bytes from `random` (clamped by
// X25519 itself, RFC 7748 §5). UNAVAILABLE when `random` fails.
absl::StatusOr<X25519KeyPair> Generate(base::Random& random);

// The key pair for an existing 32-byte private key. INVALID_ARGUMENT on any
// other size.
absl::StatusOr<X25519KeyPair> FromPrivateKey(base::SecretBytes private_key);

// Encrypts `plaintext` to `recipient_public_key` (32 bytes) for `context`.
// The ephemeral key and the IV come from `random`. INVALID_ARGUMENT for a bad
// key size, a low-order recipient key, or an empty / oversized context;
// UNAVAILABLE when `random` fails; INTERNAL on an OpenSSL failure.
absl::StatusOr<std::string> SealTo(std::string_view recipient_public_key, std::string_view context,
                                   const base::SecretBytes& plaintext, base::Random& random);

// Decrypts an envelope made by SealTo for this private key and context.
// DATA_LOSS "authentication failed ..." on any mismatch; INVALID_ARGUMENT for
// a malformed private key / context or an unsupported version.
absl::StatusOr<base::SecretBytes> Open(const base::SecretBytes& recipient_private_key,
                                       std::string_view context, std::string_view envelope);

// HKDF-SHA256 (RFC 5869, extract then expand) through OpenSSL's EVP_KDF
// "HKDF". `length` at most 255 * 32; the info at most 1024 bytes (OpenSSL's
// limit). INVALID_ARGUMENT beyond those; INTERNAL on an OpenSSL failure.
absl::StatusOr<base::SecretBytes> HkdfSha256(const base::SecretBytes& ikm, std::string_view salt,
                                             std::string_view info, size_t length);

}  // namespace breakglass::crypto::release_box

#endif  // BREAKGLASS_VAULT_CRYPTO_RELEASE_BOX_H_
