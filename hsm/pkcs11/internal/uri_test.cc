#include "hsm/pkcs11/internal/uri.h"

#include <catch2/catch.hpp>
#include <cstring>
#include <string>

namespace breakglass::hsm::pkcs11::internal {
namespace {

CK_TOKEN_INFO TokenInfo(const std::string& label, const std::string& serial) {
  CK_TOKEN_INFO info;
  std::memset(&info, ' ', sizeof(info));
  std::memcpy(info.label, label.data(), label.size());
  std::memcpy(info.serialNumber, serial.data(), serial.size());
  return info;
}

TEST_CASE("URI parses token and object parts", "[pkcs11]") {
  absl::StatusOr<PkcsUri> uri =
      PkcsUri::Parse("pkcs11:token=breakglass;object=share-seal;id=%01%02");
  REQUIRE(uri.ok());
  CHECK(*uri->object_label() == "share-seal");
  CHECK(*uri->object_id() == std::string("\x01\x02", 2));
  CHECK(uri->MatchesToken(TokenInfo("breakglass", "1")));
  CHECK_FALSE(uri->MatchesToken(TokenInfo("other", "1")));
}

TEST_CASE("URI without token attributes matches every token", "[pkcs11]") {
  absl::StatusOr<PkcsUri> uri = PkcsUri::Parse("pkcs11:object=k");
  REQUIRE(uri.ok());
  CHECK(uri->MatchesToken(TokenInfo("anything", "2")));
  CHECK_FALSE(uri->object_id().has_value());
}

TEST_CASE("URI with a serial narrows the match", "[pkcs11]") {
  absl::StatusOr<PkcsUri> uri = PkcsUri::Parse("pkcs11:token=a;serial=42");
  REQUIRE(uri.ok());
  CHECK(uri->MatchesToken(TokenInfo("a", "42")));
  CHECK_FALSE(uri->MatchesToken(TokenInfo("a", "43")));
}

TEST_CASE("URI that does not parse is INVALID_ARGUMENT naming it", "[pkcs11]") {
  absl::StatusOr<PkcsUri> uri = PkcsUri::Parse("http://example.com");
  CHECK(uri.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(uri.status().message()).find("http://example.com") != std::string::npos);
}

TEST_CASE("URI carrying a PIN is refused without quoting it", "[pkcs11]") {
  for (const char* text : {"pkcs11:token=a?pin-value=123456", "pkcs11:token=a?pin-source=/x"}) {
    absl::StatusOr<PkcsUri> uri = PkcsUri::Parse(text);
    CHECK(uri.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(std::string(uri.status().message()).find("123456") == std::string::npos);
  }
}

TEST_CASE("URI with an unknown attribute is refused", "[pkcs11]") {
  CHECK(PkcsUri::Parse("pkcs11:tokne=a").status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("PercentEncode escapes all but unreserved characters", "[pkcs11]") {
  CHECK(PercentEncode("share-seal_1.~") == "share-seal_1.~");
  CHECK(PercentEncode("a b;c") == "a%20b%3Bc");
}

TEST_CASE("FormatTokenUri round-trips through Parse", "[pkcs11]") {
  const CK_TOKEN_INFO info = TokenInfo("my token", "99");
  const std::string text = FormatTokenUri(info);
  CHECK(text.find("token=my%20token") != std::string::npos);
  absl::StatusOr<PkcsUri> uri = PkcsUri::Parse(text);
  REQUIRE(uri.ok());
  CHECK(uri->MatchesToken(info));
}

}  // namespace
}  // namespace breakglass::hsm::pkcs11::internal
