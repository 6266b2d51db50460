#include "vault/audit/canonical_json.h"

#include <catch2/catch.hpp>
#include <string>

namespace breakglass::audit {
namespace {

using nlohmann::json;

std::string Canon(const json& v) {
  auto s = CanonicalJson(v);
  INFO(s.status().ToString());
  REQUIRE(s.ok());
  return *s;
}

TEST_CASE("Keys are sorted in byte order at every level, without whitespace", "[json]") {
  json v = {{"b", 1}, {"a", {{"z", true}, {"Z", nullptr}}}, {"_", json::array({3, "x"})},
            {"B", -2}};
  REQUIRE(Canon(v) == R"({"B":-2,"_":[3,"x"],"a":{"Z":null,"z":true},"b":1})");
}

TEST_CASE("Strings escape control characters as RFC 8785 does", "[json]") {
  const std::string all_controls = [] {
    std::string s;
    for (int c = 0; c < 0x20; ++c) s.push_back(static_cast<char>(c));
    return s;
  }();
  REQUIRE(Canon(all_controls) ==
          "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r"
          "\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018"
          "\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\"");
  REQUIRE(Canon("quote\" backslash\\ slash/") == R"("quote\" backslash\\ slash/")");
  // DEL, non-ASCII, U+2028 and astral characters stay literal UTF-8.
  const std::string literal = "\x7f caf\xc3\xa9 \xe2\x80\xa8 \xf0\x9f\x94\x91";
  REQUIRE(Canon(literal) == "\"" + literal + "\"");
}

TEST_CASE("A canonical leaf never contains a raw newline", "[json]") {
  const std::string out = Canon({{"reason", "line one\nline two\r\n"}, {"k", {"a\nb"}}});
  REQUIRE(out.find('\n') == std::string::npos);
  REQUIRE(out.find('\r') == std::string::npos);
}

TEST_CASE("Invalid UTF-8 is rejected, naming where", "[json]") {
  for (const std::string bad : {"\xc3", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
                                "\xf4\x90\x80\x80", "\xff", "ok\x80", "\xf0\x9f\x94"}) {
    INFO("bytes of size " << bad.size());
    REQUIRE_FALSE(IsValidUtf8(bad));
    const auto out = CanonicalJson({{"actor", {{"name", bad}}}});
    REQUIRE(out.status().code() == absl::StatusCode::kInvalidArgument);
    REQUIRE_THAT(std::string(out.status().message()), Catch::Contains(".actor.name"));
  }
  REQUIRE(IsValidUtf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF
  REQUIRE(IsValidUtf8(std::string("\0", 1)));
}

TEST_CASE("Floats and unsafe integers are rejected; safe integers are exact", "[json]") {
  REQUIRE_FALSE(CanonicalJson({{"x", 1.5}}).ok());
  REQUIRE_FALSE(CanonicalJson({{"x", 1.0}}).ok());
  REQUIRE_FALSE(CanonicalJson(json::array({0, 2.0})).ok());
  REQUIRE_FALSE(CanonicalJson(uint64_t{1} << 53).ok());
  REQUIRE_FALSE(CanonicalJson(-(int64_t{1} << 53)).ok());
  REQUIRE(Canon(kMaxSafeInteger) == "9007199254740991");
  REQUIRE(Canon(-kMaxSafeInteger) == "-9007199254740991");
  REQUIRE(Canon(0) == "0");
}

TEST_CASE("Keys outside printable ASCII and deep nesting are rejected", "[json]") {
  REQUIRE_FALSE(CanonicalJson({{"caf\xc3\xa9", 1}}).ok());
  json deep = 1;
  for (int i = 0; i < kMaxDepth + 1; ++i) deep = json::array({deep});
  REQUIRE_FALSE(CanonicalJson(deep).ok());
}

TEST_CASE("Parsing accepts exactly the canonical form", "[json]") {
  const std::string good = R"({"a":[1,"x\n\u0001",{"b":null}],"c":"caf)"
                           "\xc3\xa9"
                           R"("})";
  REQUIRE(ParseCanonicalJson(good).ok());
  for (const char* bad : {
           R"({"a":1, "b":2})",        // whitespace
           R"({"b":1,"a":2})",         // order
           R"({"a":1,"a":2})",         // duplicate key
           R"({"a":1.0})",             // float
           R"({"a":1e2})",             // exponent
           R"({"a":-0})",              // negative zero
           R"({"a":01})",              // leading zero
           R"({"a":"\u0041"})",        // needless escape
           R"({"a":"\u001F"})",        // upper-case hex
           R"({"a":"\/"})",            // escaped slash
           R"({"a":"\u000a"})",        // long form of \n
           "{\"a\":\"\x01\"}",         // raw control character
           "{\"a\":1}\n",              // trailing newline
           R"({"a":9007199254740992})",  // 2^53
           R"({"a":1)",                // truncated
       }) {
    INFO(bad);
    REQUIRE(ParseCanonicalJson(bad).status().code() == absl::StatusCode::kInvalidArgument);
  }
  std::string deep(10000, '[');
  REQUIRE_FALSE(ParseCanonicalJson(deep + std::string(10000, ']')).ok());
}

}  // namespace
}  // namespace breakglass::audit
