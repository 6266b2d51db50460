#include "vault/crypto/internal/gf256.h"

#include <catch2/catch.hpp>

namespace breakglass::crypto::internal {
namespace {

// Reference: carry-less schoolbook product, then long division by 0x11B.
unsigned SlowMul(unsigned a, unsigned b) {
  unsigned p = 0;
  for (int i = 0; i < 8; ++i) {
    if ((b >> i) & 1) p ^= a << i;
  }
  for (int bit = 14; bit >= 8; --bit) {
    if ((p >> bit) & 1) p ^= 0x11Bu << (bit - 8);
  }
  return p;
}

TEST_CASE("GF(2^8) multiplication matches FIPS-197 examples", "[gf256]") {
  STATIC_REQUIRE(GfMul(0x57, 0x83) == 0xC1);  // FIPS-197 §4.2
  STATIC_REQUIRE(GfMul(0x57, 0x13) == 0xFE);  // FIPS-197 §4.2.1
  STATIC_REQUIRE(GfMul(0x53, 0xCA) == 0x01);  // {53}^-1 = {CA}
  STATIC_REQUIRE(GfInv(0x53) == 0xCA);
}

TEST_CASE("GF(2^8) multiplication agrees with a reference for all 65536 pairs", "[gf256]") {
  for (unsigned a = 0; a < 256; ++a) {
    for (unsigned b = 0; b < 256; ++b) {
      REQUIRE(GfMul(static_cast<uint8_t>(a), static_cast<uint8_t>(b)) == SlowMul(a, b));
    }
  }
}

TEST_CASE("GF(2^8) inversion is exact for every non-zero element", "[gf256]") {
  REQUIRE(GfInv(0) == 0);
  for (unsigned a = 1; a < 256; ++a) {
    REQUIRE(GfMul(static_cast<uint8_t>(a), GfInv(static_cast<uint8_t>(a))) == 1);
  }
}

}  // namespace
}  // namespace breakglass::crypto::internal
