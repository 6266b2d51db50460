#include "vault/crypto/shamir.h"

#include <array>

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"
#include "vault/crypto/internal/gf256.h"

namespace breakglass::crypto::shamir {
namespace {

using base::InsecureSecretAccess;
using base::SecretBytes;
using internal::GfInv;
using internal::GfMul;

absl::Status CheckSplitParameters(const SecretBytes& secret, int m, int n) {
  if (secret.empty()) {
    return absl::InvalidArgumentError("secret: cannot split an empty secret");
  }
  if (n < kMinThreshold || n > kMaxShares) {
    return absl::InvalidArgumentError(
        absl::StrCat("n (share count) = ", n, " is out of range: n must be 2..255"));
  }
  if (m < kMinThreshold || m > n) {
    return absl::InvalidArgumentError(
        absl::StrCat("m (threshold) = ", m, " is out of range: m must be 2..n (n = ", n, ")"));
  }
  return absl::OkStatus();
}

// f(x) for the polynomial with constant term `s` and coefficients
// a_1..a_{m-1} = coeffs[0..m-1), by Horner's rule.
uint8_t Evaluate(uint8_t s, const uint8_t* coeffs, int m, uint8_t x) {
  uint8_t acc = coeffs[m - 2];
  for (int k = m - 2; k >= 1; --k) acc = GfMul(acc, x) ^ coeffs[k - 1];
  return GfMul(acc, x) ^ s;
}

absl::Status CheckCombineInput(std::span<const Share> shares) {
  if (shares.size() < 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("shares: at least 2 are needed to combine, got ", shares.size()));
  }
  std::array<bool, 256> seen{};
  const size_t len = shares[0].y.size();
  for (const Share& share : shares) {
    if (share.x == 0) {
      return absl::InvalidArgumentError("share index 0 is invalid: indices are 1..255");
    }
    if (seen[share.x]) {
      return absl::InvalidArgumentError(
          absl::StrCat("share ", share.x, " is given twice: each index may appear once"));
    }
    seen[share.x] = true;
    if (share.y.size() != len || len == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("share ", share.x, " is ", share.y.size(), " bytes but share ", shares[0].x,
                       " is ", len, ": shares of one secret are equally long and non-empty"));
    }
  }
  return absl::OkStatus();
}

// Lagrange basis coefficient at 0 for share i: prod_{j != i} x_j / (x_i - x_j).
// In GF(2^8) subtraction is XOR. The x's are public.
uint8_t BasisAtZero(std::span<const Share> shares, size_t i) {
  uint8_t l = 1;
  for (size_t j = 0; j < shares.size(); ++j) {
    if (j == i) continue;
    l = GfMul(l, GfMul(shares[j].x, GfInv(shares[i].x ^ shares[j].x)));
  }
  return l;
}

}  // namespace

absl::StatusOr<std::vector<Share>> Split(const SecretBytes& secret, int m, int n,
                                         base::Random& random) {
  BG_RETURN_IF_ERROR(CheckSplitParameters(secret, m, n));
  const auto access = InsecureSecretAccess::Get();
  const size_t len = secret.size();
  const size_t per_byte = static_cast<size_t>(m - 1);
  SecretBytes coeffs(per_byte * len);
  BG_RETURN_IF_ERROR(random.Fill({coeffs.data(access), coeffs.size()}));

  std::vector<Share> shares;
  shares.reserve(static_cast<size_t>(n));
  for (int x = 1; x <= n; ++x) shares.push_back(Share{static_cast<uint8_t>(x), SecretBytes(len)});
  const uint8_t* s = secret.data(access);
  for (size_t b = 0; b < len; ++b) {
    const uint8_t* a = coeffs.data(access) + b * per_byte;
    for (Share& share : shares) share.y.data(access)[b] = Evaluate(s[b], a, m, share.x);
  }
  return shares;
}

absl::StatusOr<SecretBytes> Combine(std::span<const Share> shares) {
  BG_RETURN_IF_ERROR(CheckCombineInput(shares));
  const auto access = InsecureSecretAccess::Get();
  const size_t len = shares[0].y.size();
  SecretBytes secret(len);
  uint8_t* out = secret.data(access);
  for (size_t i = 0; i < shares.size(); ++i) {
    const uint8_t l = BasisAtZero(shares, i);
    const uint8_t* y = shares[i].y.data(access);
    for (size_t b = 0; b < len; ++b) out[b] ^= GfMul(l, y[b]);
  }
  return secret;
}

absl::StatusOr<SecretBytes> GenerateCommitmentKey(base::Random& random) {
  SecretBytes key(kCommitmentKeySize);
  BG_RETURN_IF_ERROR(random.Fill({key.data(InsecureSecretAccess::Get()), key.size()}));
  return key;
}

}  // namespace breakglass::crypto::shamir
