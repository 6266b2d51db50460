#include "vault/base/clock.h"

#include <catch2/catch.hpp>

namespace breakglass::base {
namespace {

TEST_CASE("FakeClock moves only when told", "[clock]") {
  FakeClock clock(absl::FromUnixSeconds(1000));
  REQUIRE(clock.Now() == absl::FromUnixSeconds(1000));
  clock.Advance(absl::Seconds(5));
  REQUIRE(clock.Now() == absl::FromUnixSeconds(1005));
  clock.Set(absl::FromUnixSeconds(42));
  REQUIRE(clock.Now() == absl::FromUnixSeconds(42));
}

TEST_CASE("SystemClock is after 2024", "[clock]") {
  SystemClock clock;
  REQUIRE(clock.Now() > absl::FromUnixSeconds(1704067200));
}

}  // namespace
}  // namespace breakglass::base
