#include "vault/core/flat_json.h"

#include <catch2/catch.hpp>

namespace breakglass::core {
namespace {

TEST_CASE("FlatJson encodes sorted keys, minimal escapes, integers", "[flat_json]") {
  FlatJson j;
  j.Set("b", "x\"y\\z\n\t\x01 é").Set("a", int64_t{-42}).Set("c", int64_t{0});
  auto text = j.Encode();
  REQUIRE(text.ok());
  CHECK(*text == "{\"a\":-42,\"b\":\"x\\\"y\\\\z\\n\\t\\u0001 é\",\"c\":0}");
}

TEST_CASE("FlatJson round-trips canonical text", "[flat_json]") {
  const std::string text = R"({"a":"\b\f\r","n":9007199254740991,"z":""})";
  auto parsed = FlatJson::Parse(text);
  REQUIRE(parsed.ok());
  CHECK(*parsed->GetString("a") == "\b\f\r");
  CHECK(*parsed->GetInt("n") == 9007199254740991);
  CHECK(*parsed->Encode() == text);
}

TEST_CASE("FlatJson refuses non-canonical and malformed text", "[flat_json]") {
  for (const char* bad : {
           R"({"b":1,"a":2})",          // unsorted
           R"({ "a":1})",               // whitespace
           R"({"a":01})",               // leading zero
           R"({"a":-0})",               // negative zero
           R"({"a":"\u0041"})",         // needless escape
           R"({"a":"\/"})",             // needless escape
           R"({"a":1,"a":1})",          // duplicate
           R"({"a":9007199254740992})", // 2^53
           R"({"a":1.5})",              // float
           R"({"a":true})",             // boolean
           R"({"a":1})x",               // trailing
           R"({"a":"x)",                // unterminated
           "{\"a\":\"\xff\"}",          // invalid UTF-8
           "{\"a\":\"\n\"}",            // raw control character
       }) {
    INFO(bad);
    CHECK(FlatJson::Parse(bad).status().code() == absl::StatusCode::kInvalidArgument);
  }
}

TEST_CASE("FlatJson refuses unsafe integers and bad UTF-8 when encoding", "[flat_json]") {
  CHECK_FALSE(FlatJson().Set("a", int64_t{1} << 53).Encode().ok());
  CHECK_FALSE(FlatJson().Set("a", std::string("\xc0\x80")).Encode().ok());  // overlong
  CHECK_FALSE(FlatJson().Set("a", std::string("\xed\xa0\x80")).Encode().ok());  // surrogate
  CHECK_FALSE(FlatJson().Set("k\x7f", "v").Encode().ok());
}

TEST_CASE("IsValidUtf8 accepts every kind of well-formed sequence", "[flat_json]") {
  CHECK(IsValidUtf8("plain"));
  CHECK(IsValidUtf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x94\x91"));
  CHECK_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(IsValidUtf8("\xe2\x82"));          // truncated
}

}  // namespace
}  // namespace breakglass::core
