// Shamir secret sharing over GF(2^8) (Shamir 1979, "How to share a secret"),
// and keyed commitments that let the combiner prove its result and name a bad
// share (DESIGN.md "Secrets": share i belongs to custodian i).
//
// SPLITTING. The field is GF(2^8) with the AES polynomial x^8+x^4+x^3+x+1
// (0x11B). Each secret byte s_b gets its own polynomial of degree m-1
//     f_b(x) = s_b + a_1 x + a_2 x^2 + ... + a_{m-1} x^{m-1}
// with a_1..a_{m-1} uniformly random (a zero leading coefficient is allowed:
// excluding it would bias the shares). Share x (x = 1..n) is
// y = f_0(x) || f_1(x) || ... The randomness is read from the injected
// base::Random in ONE call of (m-1)*len bytes, byte-major: the coefficients of
// secret byte b are random[b*(m-1) .. (b+1)*(m-1)) = a_1 .. a_{m-1}. That order
// is part of the contract so known-answer vectors can be reproduced
// (tests/vectors/shamir_kat.py).
//
// COMBINING. Lagrange interpolation at x = 0 over exactly the shares given.
// Any m or more shares of one split give the secret; fewer give a value that
// is independent of it (any m-1 shares are consistent with every secret), so
// Combine cannot tell — use CombineVerified with the commitments to know.
//
// The GF arithmetic is constant-time (vault/crypto/internal/gf256.h): no
// secret-indexed tables, no secret-dependent branches. Share x-coordinates,
// lengths, m and n are public.
//
// COMMITMENTS (keyed, so a low-entropy secret cannot be brute-forced from
// them). At split time the caller draws a fresh 32-byte commitment key and
// computes, with HMAC-SHA256 (RFC 2104):
//   secret tag  = HMAC(key, "breakglass-shamir-commit-v1 secret" 0x00
//                           || u8 m || u8 n || u32be len || secret)
//   share tag x = HMAC(key, "breakglass-shamir-commit-v1 share" 0x00
//                           || u8 m || u8 n || u8 x || y_x)         for x = 1..n
// The tags are public and stored with the credential version (Encode). The
// share tag binds x, so a share presented under another custodian's index
// (swapped) fails exactly like a damaged one, and the error names the index.
// DESIGN CHOICE — the key is random per split and stored SEALED BY THE
// KEYSTORE exactly like a share (its own AAD, e.g. credential, version,
// "commitment key"), never in the clear and never derived from the secret:
// anyone holding the key and the tags could test guesses of a short secret
// offline, and a key derived from the secret would be needed before the
// shares could be checked. The appliance opens it at release to verify.
//
// Encoded commitments (all integers big-endian):
//   "BGSC" | u8 format version (1) | u8 m | u8 n | u32 secret length
//   | 32-byte secret tag | n x 32-byte share tags (x = 1..n)   and nothing after.
//
// ERRORS never contain secret or share bytes. Parameter errors are
// INVALID_ARGUMENT and name the parameter. A mismatch against commitments is
// DATA_LOSS naming the share indices (or the combined secret).
//
// Thread-safety: functions are thread-safe; Commitments is an immutable value.
#ifndef BREAKGLASS_VAULT_CRYPTO_SHAMIR_H_
#define BREAKGLASS_VAULT_CRYPTO_SHAMIR_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "vault/base/random.h"
#include "vault/base/secret_bytes.h"
#include "vault/crypto/sha256.h"

namespace breakglass::crypto::shamir {

inline constexpr int kMinThreshold = 2;
inline constexpr int kMaxShares = 255;
inline constexpr size_t kCommitmentKeySize = 32;

// One custodian's share: x is its index 1..255 (public), y its bytes (secret,
// as long as the secret).
struct Share {
  uint8_t x = 0;
  base::SecretBytes y;
};

// Splits `secret` (1 or more bytes) into n shares, any m of which recover it:
// shares[i].x == i + 1. INVALID_ARGUMENT naming the parameter when the secret
// is empty, m is outside 2..n or n outside 2..255; UNAVAILABLE when `random`
// fails (no shares are returned then).
absl::StatusOr<std::vector<Share>> Split(const base::SecretBytes& secret, int m, int n,
                                         base::Random& random);

// Interpolates the secret from `shares` (any order). INVALID_ARGUMENT when
// fewer than 2 shares are given, an x is 0, two shares have the same x, or
// the y lengths differ or are 0. Does not know m: see the file comment.
absl::StatusOr<base::SecretBytes> Combine(std::span<const Share> shares);

// A fresh commitment key from `random`. UNAVAILABLE when it fails.
absl::StatusOr<base::SecretBytes> GenerateCommitmentKey(base::Random& random);

// The public tags of one split (see the file comment).
class Commitments final {
 public:
  // Tags for `secret` and its n = shares.size() shares (which must be exactly
  // x = 1..n in any order, all as long as the secret) under threshold m.
  // INVALID_ARGUMENT naming the problem otherwise, or for a key that is not
  // 32 bytes.
  static absl::StatusOr<Commitments> Create(const base::SecretBytes& key,
                                            const base::SecretBytes& secret, int m,
                                            std::span<const Share> shares);
  // Strict parse of Encode()'s bytes. DATA_LOSS naming the problem (bad magic,
  // unknown version, m/n out of range, wrong length).
  static absl::StatusOr<Commitments> Decode(std::string_view bytes);
  std::string Encode() const;

  int threshold() const { return m_; }
  int share_count() const { return static_cast<int>(share_tags_.size()); }
  size_t secret_size() const { return secret_size_; }

  // OK when every share matches its tag. Otherwise DATA_LOSS listing every
  // failing index, wrong-length shares included ("shares 2, 5 do not match
  // their commitments ..."), or INVALID_ARGUMENT for an index outside 1..n, a
  // duplicate index or a key that is not 32 bytes.
  absl::Status VerifyShares(const base::SecretBytes& key, std::span<const Share> shares) const;
  // OK when `secret` is the committed one; DATA_LOSS otherwise.
  absl::Status VerifySecret(const base::SecretBytes& key, const base::SecretBytes& secret) const;

 private:
  Commitments(int m, size_t secret_size, Sha256Digest secret_tag,
              std::vector<Sha256Digest> share_tags)
      : m_(m),
        secret_size_(secret_size),
        secret_tag_(secret_tag),
        share_tags_(std::move(share_tags)) {}
  Sha256Digest ShareTag(const base::SecretBytes& key, const Share& share) const;

  int m_;
  size_t secret_size_;
  Sha256Digest secret_tag_;
  std::vector<Sha256Digest> share_tags_;  // index x - 1
};

// The release path: checks every share against `commitments` (naming bad
// ones), requires at least m of them (FAILED_PRECONDITION "k shares given,
// threshold is m" otherwise), combines, and checks the result against the
// secret tag (DATA_LOSS if it differs). Errors as VerifyShares / Combine.
absl::StatusOr<base::SecretBytes> CombineVerified(const base::SecretBytes& key,
                                                  const Commitments& commitments,
                                                  std::span<const Share> shares);

}  // namespace breakglass::crypto::shamir

#endif  // BREAKGLASS_VAULT_CRYPTO_SHAMIR_H_
