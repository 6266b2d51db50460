// Internal to vault/crypto: arithmetic in GF(2^8) with the AES polynomial
// x^8 + x^4 + x^3 + x + 1 (0x11B; FIPS-197 §4.2), for Shamir secret sharing.
//
// Constant-time in both operands: no table lookups indexed by secret bytes
// and no branches on them. Multiplication is the 8-step shift-and-add loop
// with masks; inversion is exponentiation to 254 (a^-1 = a^254 since
// a^255 = 1) with a fixed sequence of multiplications. GfInv(0) = 0.
//
// Thread-safety: pure functions.
#ifndef BREAKGLASS_VAULT_CRYPTO_INTERNAL_GF256_H_
#define BREAKGLASS_VAULT_CRYPTO_INTERNAL_GF256_H_

#include <cstdint>

namespace breakglass::crypto::internal {

constexpr uint8_t GfMul(uint8_t a, uint8_t b) {
  unsigned acc = 0;
  unsigned aa = a;
  unsigned bb = b;
  for (int i = 0; i < 8; ++i) {
    acc ^= aa & (0u - (bb & 1u));  // add aa when the low bit of bb is set
    bb >>= 1;
    aa = (aa << 1) ^ (0x11Bu & (0u - (aa >> 7)));  // aa * x, reduced
  }
  return static_cast<uint8_t>(acc);
}

constexpr uint8_t GfInv(uint8_t a) {
  uint8_t r = a;                                          // a^1
  for (int i = 0; i < 6; ++i) r = GfMul(GfMul(r, r), a);  // a^3, a^7, ..., a^127
  return GfMul(r, r);                                     // a^254
}

}  // namespace breakglass::crypto::internal

#endif  // BREAKGLASS_VAULT_CRYPTO_INTERNAL_GF256_H_
