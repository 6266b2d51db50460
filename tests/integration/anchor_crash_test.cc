// Crash injection with real processes, real SIGKILL and the real SQLite store,
// on the file-backed devices (fast; the same campaign runs on swtpm + SoftHSM2
// in anchor_hw_test.cc): a child appending and anchoring is killed at each
// step of the anchor protocol and at random points; after each kill the
// start-up check must pass without an alarm, the log must verify and nothing
// the child saw committed may be lost.
#include <catch2/catch.hpp>
#include <filesystem>
#include <random>

#include "tests/integration/anchor_crash.h"
#include "tests/integration/anchor_crash_campaign.h"
#include "vault/store/testing/temp_dir.h"

namespace breakglass::audit::testing {
namespace {

TEST_CASE("A child killed at each anchor step recovers without an alarm (file devices)",
          "[anchor][crash]") {
  store::testing::TempDir dir;
  absl::StatusOr<HardwareConfig> hw = CreateFileHardware(dir.File("hw"), 1000, 50);
  REQUIRE(hw.ok());
  RunStepCrashCampaign(*hw, dir.File("state.db"));
}

TEST_CASE("A child killed at random points recovers without an alarm (file devices)",
          "[anchor][crash]") {
  store::testing::TempDir dir;
  absl::StatusOr<HardwareConfig> hw = CreateFileHardware(dir.File("hw"), 7, 0);
  REQUIRE(hw.ok());
  RunRandomCrashCampaign(*hw, dir.File("state.db"), /*runs=*/30, absl::Milliseconds(60));
}

TEST_CASE("A crash while provisioning leaves an empty log or one that recovers (file devices)",
          "[anchor][crash]") {
  for (const CrashPoint& p : ProtocolCrashPoints()) {
    DYNAMIC_SECTION(p.Flag()) {
      store::testing::TempDir dir;
      absl::StatusOr<HardwareConfig> hw = CreateFileHardware(dir.File("hw"), 5, 5);
      REQUIRE(hw.ok());
      RunProvisioningCrash(*hw, dir.File("state.db"), p);
    }
  }
}

}  // namespace
}  // namespace breakglass::audit::testing
