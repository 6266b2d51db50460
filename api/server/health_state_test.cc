#include "api/server/health_state.h"

#include <catch2/catch.hpp>
#include <thread>

namespace breakglass::api {
namespace {

TEST_CASE("KnownServicesShareOneStatusAndUnknownOnesAreUnknown", "[health]") {
  HealthState health({"breakglass.v1.Requests"});
  CHECK(health.Get("") == HealthState::Status::kServing);
  CHECK(health.Get("breakglass.v1.Requests") == HealthState::Status::kServing);
  CHECK(health.Get("breakglass.v1.Nope") == HealthState::Status::kUnknownService);
  health.SetServing(false);
  CHECK(health.Get("breakglass.v1.Requests") == HealthState::Status::kNotServing);
}

TEST_CASE("ShutdownIsFinalAndWakesWatchers", "[health]") {
  HealthState health({});
  const uint64_t seen = health.generation();
  std::thread waker([&] { health.Shutdown(); });
  // Returns on the change, not after the (long) timeout.
  const uint64_t now = health.WaitForChange(seen, absl::Hours(1));
  waker.join();
  CHECK(now != seen);
  CHECK(health.shutting_down());
  health.SetServing(true);
  CHECK(health.Get("") == HealthState::Status::kNotServing);
}

TEST_CASE("ASnapshotReadsStatusShutdownAndGenerationTogether", "[health]") {
  HealthState health({"breakglass.v1.Audit"});
  const HealthState::Snapshot before = health.Take("breakglass.v1.Audit");
  CHECK(before.status == HealthState::Status::kServing);
  CHECK_FALSE(before.shutting_down);
  health.Shutdown();
  const HealthState::Snapshot after = health.Take("breakglass.v1.Audit");
  CHECK(after.status == HealthState::Status::kNotServing);
  CHECK(after.shutting_down);
  CHECK(after.generation != before.generation);
  CHECK(health.Take("x.Y").status == HealthState::Status::kUnknownService);
}

TEST_CASE("WaitForChangeTimesOutWithoutAChange", "[health]") {
  HealthState health({});
  const uint64_t seen = health.generation();
  CHECK(health.WaitForChange(seen, absl::Milliseconds(1)) == seen);
}

}  // namespace
}  // namespace breakglass::api
