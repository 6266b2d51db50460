#include "vault/base/encoding.h"

#include <catch2/catch.hpp>

namespace breakglass::base {
namespace {

TEST_CASE("Hex round-trips and decodes strictly", "[encoding]") {
  REQUIRE(HexEncode("") == "");
  REQUIRE(HexEncode(std::string("\x00\xff\x10\xAB", 4)) == "00ff10ab");
  REQUIRE(*HexDecode("00FF10ab") == std::string("\x00\xff\x10\xab", 4));
  REQUIRE(HexDecode("abc").status().message().find("odd length") != std::string_view::npos);
  auto bad = HexDecode("0g");
  REQUIRE(bad.status().code() == absl::StatusCode::kInvalidArgument);
  REQUIRE(bad.status().message().find("position 1") != std::string_view::npos);
}

TEST_CASE("Base64 matches RFC 4648 test vectors", "[encoding]") {
  const std::pair<const char*, const char*> kVectors[] = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (auto [plain, enc] : kVectors) {
    REQUIRE(Base64Encode(plain) == enc);
    REQUIRE(*Base64Decode(enc) == plain);
  }
}

TEST_CASE("Base64 decoding rejects non-canonical input", "[encoding]") {
  REQUIRE_FALSE(Base64Decode("Zg").ok());         // missing padding
  REQUIRE_FALSE(Base64Decode("Zh==").ok());       // non-zero padding bits
  REQUIRE_FALSE(Base64Decode("Zm9v\n").ok());     // whitespace
  REQUIRE_FALSE(Base64Decode("Zm-v").ok());       // url-safe alphabet
  REQUIRE_FALSE(Base64Decode("Z===").ok());       // too much padding
  REQUIRE_FALSE(Base64Decode("=Zm9").ok());       // padding first
  REQUIRE(Base64Decode("Zm*v").status().message().find("position 2") != std::string_view::npos);
}

}  // namespace
}  // namespace breakglass::base
