#include "vault/crypto/sha256.h"

#include <catch2/catch.hpp>

#include "vault/base/encoding.h"

namespace breakglass::crypto {
namespace {

std::string Hex(const Sha256Digest& d) { return base::HexEncode(DigestString(d)); }

TEST_CASE("SHA-256 matches FIPS 180-4 examples", "[sha256]") {
  REQUIRE(Hex(Sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  REQUIRE(Hex(Sha256("abc")) ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256Hasher h;
  h.Update("ab").Update("c");
  REQUIRE(Hex(h.Finish()) == Hex(Sha256("abc")));
  h.Update("");  // reusable after Finish
  REQUIRE(Hex(h.Finish()) == Hex(Sha256("")));
}

TEST_CASE("HMAC-SHA256 matches RFC 4231 test case 2", "[hmac]") {
  auto key = base::SecretBytes::CopyFrom(std::string_view("Jefe"));
  REQUIRE(Hex(HmacSha256(key, "what do ya want for nothing?")) ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace
}  // namespace breakglass::crypto
