// Public-key signatures for custodian approvals, reviews and the audit log.
//
// Two algorithms, nothing else is accepted:
// - Ed25519, pure (RFC 8032 §5.1; no prehash, no context). Signatures are
//   64 bytes. This is the log key's algorithm (C2SP signed-note type 0x01).
// - ECDSA over P-256 with SHA-256 (FIPS 186-4, SEC 1). The message is hashed
//   here. A signature is accepted in either encoding:
//     * raw r || s, each 32 bytes big-endian (64 bytes total) — the form a
//       PKCS#11 token returns for CKM_ECDSA (PKCS#11 v2.40 §2.3.1);
//     * strict DER ECDSA-Sig-Value (RFC 5480 §2.2 / SEC 1 §C.5), as OpenSSL
//       and X.509 tooling produce. BER variants are refused.
//   Exactly 64 bytes is always read as raw r || s. (A DER encoding of a P-256
//   signature is 64 bytes only when r and s are both unusually short, with
//   probability below 2^-40; such a signature is refused and must be re-made.)
//
// Keys enter as X.509 SubjectPublicKeyInfo (RFC 5280 §4.1.2.7; PEM "PUBLIC
// KEY" per RFC 7468 §13, or DER), as a raw 32-byte Ed25519 key (RFC 8032
// §5.1.5), or as an uncompressed P-256 point (SEC 1 §2.3.3, 0x04 || X || Y —
// PKCS#11 CKA_EC_POINT content). Any other key type or curve is
// INVALID_ARGUMENT at construction, so a PublicKey always holds a supported key.
//
// Verification results: OK; INVALID_ARGUMENT when the signature is malformed
// (wrong length, bad DER); PERMISSION_DENIED when it is well-formed but does
// not verify for this message and key. Never a bool.
//
// Thread-safety: PublicKey and SigningKey are immutable after construction;
// their const methods may be called from many threads at once. The free
// functions are thread-safe.
#ifndef BREAKGLASS_VAULT_CRYPTO_SIGNATURE_H_
#define BREAKGLASS_VAULT_CRYPTO_SIGNATURE_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "vault/base/secret_bytes.h"
#include "vault/crypto/sha256.h"

// OpenSSL's key type, kept opaque so callers never include OpenSSL headers.
struct evp_pkey_st;

namespace breakglass::crypto {

inline constexpr size_t kEd25519RawPublicKeySize = 32;
inline constexpr size_t kEd25519SignatureBytes = 64;
inline constexpr size_t kEcdsaP256RawSignatureSize = 64;
inline constexpr size_t kP256UncompressedPointSize = 65;

enum class SignatureAlgorithm {
  kEd25519,
  kEcdsaP256Sha256,
};

// "ed25519" or "ecdsa-p256-sha256": stable names for configuration and logs.
std::string_view SignatureAlgorithmName(SignatureAlgorithm algorithm);

// A verified-to-be-supported public key. Copyable; copies share the immutable
// OpenSSL key.
class PublicKey final {
 public:
  // From PEM "-----BEGIN PUBLIC KEY-----" (SubjectPublicKeyInfo). Anything
  // after the PEM block is ignored; other PEM labels are refused.
  // INVALID_ARGUMENT when it does not parse or is not Ed25519 / P-256.
  // Successful parses are memoised by the exact text (bounded), so reading
  // the same registered key again costs a map lookup, not a PEM decode.
  static absl::StatusOr<PublicKey> FromPem(std::string_view pem);
  // From DER SubjectPublicKeyInfo. INVALID_ARGUMENT as FromPem, and also when
  // bytes follow the DER structure.
  static absl::StatusOr<PublicKey> FromSpkiDer(std::string_view der);
  // From a raw 32-byte Ed25519 key. INVALID_ARGUMENT on any other length.
  static absl::StatusOr<PublicKey> FromEd25519Raw(std::string_view raw32);
  // From a 65-byte uncompressed P-256 point. INVALID_ARGUMENT on any other
  // length or when the point is not on the curve.
  static absl::StatusOr<PublicKey> FromP256Point(std::string_view uncompressed65);

  SignatureAlgorithm algorithm() const { return algorithm_; }

  // Checks `signature` over `message` (see the file comment for encodings).
  // OK, INVALID_ARGUMENT (malformed signature) or PERMISSION_DENIED (does not
  // verify); the message names the algorithm and this key's fingerprint.
  absl::Status Verify(std::string_view message, std::string_view signature) const;

  // DER SubjectPublicKeyInfo: the canonical identity of the key.
  const std::string& spki_der() const { return spki_der_; }
  // SHA-256 of spki_der() (as `openssl pkey -pubin -outform DER | sha256sum`).
  Sha256Digest Fingerprint() const { return Sha256(spki_der_); }
  // "SHA256:" followed by the lower-case hex fingerprint, for people and logs.
  std::string FingerprintHex() const;
  // PEM "PUBLIC KEY" block with a trailing newline.
  std::string ToPem() const;
  // Raw key bytes: 32 for Ed25519, the 65-byte uncompressed point for P-256.
  std::string RawPublicKey() const;

  // Same key (compares the SPKI DER).
  friend bool operator==(const PublicKey& a, const PublicKey& b) {
    return a.spki_der_ == b.spki_der_;
  }

 private:
  PublicKey(std::shared_ptr<evp_pkey_st> pkey, SignatureAlgorithm algorithm, std::string spki_der)
      : pkey_(std::move(pkey)), algorithm_(algorithm), spki_der_(std::move(spki_der)) {}
  // Takes ownership of `pkey`; checks its type.
  static absl::StatusOr<PublicKey> FromOwnedKey(evp_pkey_st* pkey);
  absl::Status VerifyDer(std::string_view message, std::string_view signature) const;
  absl::Status Denied() const;
  friend class SigningKey;
  struct PemCache;

  std::shared_ptr<evp_pkey_st> pkey_;
  SignatureAlgorithm algorithm_;
  std::string spki_der_;
};

// Verifies a pure Ed25519 signature with a raw public key — the form the HSM
// log signer and C2SP signed notes use. INVALID_ARGUMENT when the key is not
// 32 bytes or the signature not 64; PERMISSION_DENIED when it does not verify.
absl::Status VerifyEd25519(std::string_view raw_public_key32, std::string_view message,
                           std::string_view signature64);

// ECDSA signature encoding conversions (P-256 only). INVALID_ARGUMENT when the
// input is not 64 bytes / not strict DER, or r or s does not fit 32 bytes.
absl::StatusOr<std::string> EcdsaRawToDer(std::string_view raw64);
absl::StatusOr<std::string> EcdsaDerToRaw(std::string_view der);

// A software private key: for tests, and for the CLI's --key-file (custodians
// whose key is not on a token). Production custodian keys live on PKCS#11
// tokens and the log key in the HSM; those never pass through this class.
//
// The private key is held by OpenSSL (freed with OPENSSL_cleanse by OpenSSL);
// every serialised form leaves this class as SecretBytes. Move-only.
class SigningKey final {
 public:
  // A fresh key from OpenSSL's CSPRNG (the source behind base::SystemRandom).
  // INTERNAL if key generation fails.
  static absl::StatusOr<SigningKey> Generate(SignatureAlgorithm algorithm);
  // From an unencrypted PKCS#8 PEM "PRIVATE KEY" (RFC 5958, RFC 7468 §10).
  // Encrypted keys are refused (there is no prompt). INVALID_ARGUMENT when it
  // does not parse or is not Ed25519 / P-256; the message never quotes input.
  static absl::StatusOr<SigningKey> FromPem(const base::SecretBytes& pem);
  // From unencrypted PKCS#8 DER. Errors as FromPem.
  static absl::StatusOr<SigningKey> FromPkcs8Der(const base::SecretBytes& der);
  // From a 32-byte Ed25519 private key (the RFC 8032 seed). INVALID_ARGUMENT
  // on any other length.
  static absl::StatusOr<SigningKey> FromEd25519Seed(const base::SecretBytes& seed32);

  SigningKey(SigningKey&&) noexcept = default;
  SigningKey& operator=(SigningKey&&) noexcept = default;
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;
  ~SigningKey();

  const PublicKey& public_key() const { return public_key_; }

  // Signs `message`: 64 bytes for Ed25519 (deterministic); DER for ECDSA
  // (random nonce from OpenSSL's CSPRNG). INTERNAL on an OpenSSL failure.
  absl::StatusOr<std::string> Sign(std::string_view message) const;

  // Unencrypted PKCS#8 PEM "PRIVATE KEY", for writing a --key-file.
  absl::StatusOr<base::SecretBytes> ToPem() const;

 private:
  SigningKey(std::shared_ptr<evp_pkey_st> pkey, PublicKey public_key)
      : pkey_(std::move(pkey)), public_key_(std::move(public_key)) {}
  // Takes ownership of `pkey` (a private key).
  static absl::StatusOr<SigningKey> FromOwnedKey(evp_pkey_st* pkey);

  std::shared_ptr<evp_pkey_st> pkey_;
  PublicKey public_key_;
};

}  // namespace breakglass::crypto

#endif  // BREAKGLASS_VAULT_CRYPTO_SIGNATURE_H_
