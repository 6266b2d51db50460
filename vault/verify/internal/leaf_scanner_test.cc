#include "vault/verify/internal/leaf_scanner.h"

#include <catch2/catch.hpp>
#include <string>

namespace breakglass::verify::internal {
namespace {

const std::string kCommon =
    R"("actor":"alice","incident":"INC-1","reason":"r","seq":7,"subject":"s","time":1700000000000,"type":"approval")";

std::string Leaf(const std::string& extra_before = "", const std::string& extra_after = "") {
  return "{" + extra_before + kCommon + extra_after + "}";
}

absl::Status Scan(const std::string& leaf) {
  LeafFields f;
  return ScanLeaf(leaf, &f);
}

TEST_CASE("ScanLeaf accepts a canonical event and reads seq and type", "[verify]") {
  LeafFields f;
  const std::string leaf = Leaf();  // f.type points into it
  REQUIRE(ScanLeaf(leaf, &f).ok());
  CHECK(f.seq == 7);
  CHECK(f.type == "approval");
  REQUIRE(ScanLeaf(Leaf(R"("a":[1,-2,true,false,null,{"k":"v"},[]],)"), &f).ok());
  REQUIRE(ScanLeaf(Leaf("", R"(,"z":"caf\u00e9 é \u001f \b\t\n\f\r \" \\ )" "\x7f" R"(")"), &f).ok() ==
          false);  // \u00e9 must be literal
  REQUIRE(ScanLeaf(Leaf("", ",\"z\":\"café 𝄞 \\u001f \\b\\t\\n\\f\\r \\\" \\\\ \x7f\""), &f).ok());
}

TEST_CASE("ScanLeaf rejects every non-canonical form", "[verify]") {
  const char* bad_extras[] = {
      R"("z":1.5)",          // float
      R"("z":1e3)",          // exponent
      R"("z":01)",           // leading zero
      R"("z":-0)",           // negative zero
      R"("z":9007199254740992)",  // 2^53
      R"("z":"\u0041")",     // escaped printable
      R"("z":"\/")",         // escaped slash
      R"("z":"\u000a")",     // \n written as \u
      R"("z":"\u001F")",     // upper-case hex
      "\"z\":\"\x01\"",      // raw control character
      "\"z\":\"\xC0\xAF\"",  // overlong UTF-8
      "\"z\":\"\xED\xA0\x80\"",  // surrogate
      "\"z\":\"\xF4\x90\x80\x80\"",  // beyond U+10FFFF
      R"("z": 1)",           // whitespace
      R"("z":tru)",          // bad literal
      R"("z":{"b":1,"a":2})",  // keys out of order
      R"("z":{"a":1,"a":2})",  // duplicate key
      R"("z":[1,])",         // trailing comma
  };
  for (const char* extra : bad_extras) {
    INFO(extra);
    CHECK(Scan(Leaf("", std::string(",") + extra)).code() == absl::StatusCode::kInvalidArgument);
  }
  CHECK(!Scan(Leaf() + " ").ok());
  CHECK(!Scan(" " + Leaf()).ok());
  CHECK(!Scan("[]").ok());
  CHECK(!Scan("").ok());
  CHECK(!Scan(Leaf().substr(0, Leaf().size() - 1)).ok());
}

TEST_CASE("ScanLeaf requires the common fields with their types", "[verify]") {
  CHECK(!Scan(R"({"actor":"a","incident":"","reason":"","seq":1,"subject":"","time":1})").ok());
  CHECK(!Scan(R"({"actor":"a","incident":"","reason":"","seq":-1,"subject":"","time":1,"type":"x"})").ok());
  CHECK(!Scan(R"({"actor":"a","incident":"","reason":"","seq":"1","subject":"","time":1,"type":"x"})").ok());
  CHECK(!Scan(R"({"actor":1,"incident":"","reason":"","seq":1,"subject":"","time":1,"type":"x"})").ok());
  CHECK(!Scan(R"({"actor":"a","incident":"","reason":"","seq":1,"seq":1,"subject":"","time":1,"type":"x"})").ok());
}

TEST_CASE("ScanLeaf limits nesting to 16 levels as canonical_json does", "[verify]") {
  const auto nested = [](int levels, const std::string& inner) {
    return ",\"z\":" + std::string(levels, '[') + inner + std::string(levels, ']');
  };
  // The leaf object is level 0; "z" is at depth 1; its innermost value at depth levels+1.
  CHECK(Scan(Leaf("", nested(15, "1"))).ok());
  CHECK(!Scan(Leaf("", nested(16, "1"))).ok());
  CHECK(Scan(Leaf("", nested(16, ""))).ok());
  CHECK(!Scan(Leaf("", nested(17, ""))).ok());
}

TEST_CASE("ScanLeaf orders escaped keys by their unescaped bytes", "[verify]") {
  // '"' (0x22) sorts before '#' (0x23) although its escape starts with '\' (0x5c).
  CHECK(Scan(Leaf("", R"(,"z":{"a\"":1,"a#":2})")).ok());
  CHECK(!Scan(Leaf("", R"(,"z":{"a#":1,"a\"":2})")).ok());
  CHECK(!Scan(Leaf("", ",\"z\":{\"\xC3\xA9\":1}")).ok());  // non-ASCII key
}

TEST_CASE("ScanLeaf names the byte where it failed", "[verify]") {
  const absl::Status s = Scan(R"({"actor":"a" ,"x":1})");
  REQUIRE(!s.ok());
  CHECK(std::string(s.message()).rfind("byte 12:", 0) == 0);
}

}  // namespace
}  // namespace breakglass::verify::internal
