#include "vault/base/random.h"

#include <catch2/catch.hpp>

namespace breakglass::base {
namespace {

TEST_CASE("SystemRandom gives distinct outputs", "[random]") {
  SystemRandom r;
  auto a = r.Bytes(32);
  auto b = r.Bytes(32);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE(a->size() == 32);
  REQUIRE(*a != *b);
}

TEST_CASE("InsecureFakeRandom is reproducible from its seed", "[random]") {
  InsecureFakeRandom a(7), b(7), c(8);
  auto x = *a.Bytes(19);
  REQUIRE(x == *b.Bytes(19));
  REQUIRE(x != *c.Bytes(19));
}

}  // namespace
}  // namespace breakglass::base
