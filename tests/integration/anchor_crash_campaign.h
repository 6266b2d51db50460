// The crash campaigns (Catch2 assertions), run on file-backed devices by
// anchor_crash_test.cc and on swtpm + SoftHSM2 by anchor_hw_test.cc.
//
// BREAKGLASS_ANCHOR_CRASH_CHILD is the path of anchor_crash_child, set by
// tests/integration/anchor.cmake.
#ifndef BREAKGLASS_TESTS_INTEGRATION_ANCHOR_CRASH_CAMPAIGN_H_
#define BREAKGLASS_TESTS_INTEGRATION_ANCHOR_CRASH_CAMPAIGN_H_

#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/integration/anchor_crash.h"
#include "vault/audit/anchor_protocol.h"

namespace breakglass::audit::testing {

struct CrashPoint {
  AnchorStep step;
  int occurrence;  // the n-th time the child reaches the step
  std::string Flag() const {
    return absl::StrCat("--crash=", std::string(AnchorStepName(step)), ":", occurrence);
  }
};

// Every step boundary of the protocol; the increment twice (a release anchor
// moves the release counter, then the checkpoint counter).
inline std::vector<CrashPoint> ProtocolCrashPoints() {
  return {{AnchorStep::kBeforeEventCommit, 1},  {AnchorStep::kEventCommitted, 1},
          {AnchorStep::kCounterIncremented, 1}, {AnchorStep::kCounterIncremented, 2},
          {AnchorStep::kCheckpointSigned, 1},   {AnchorStep::kCountersCertified, 1},
          {AnchorStep::kEvidenceStored, 1}};
}

inline std::vector<std::string> ChildArgs(const HardwareConfig& hw, const std::string& db,
                                          std::vector<std::string> extra) {
  std::vector<std::string> args = hw.ToArgs();
  args.push_back(absl::StrCat("--db=", db));
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

inline ChildResult RunCrashChild(const std::vector<std::string>& args,
                                 std::optional<absl::Duration> kill_after = std::nullopt) {
  absl::StatusOr<ChildResult> run = RunChild(BREAKGLASS_ANCHOR_CRASH_CHILD, args, kill_after);
  REQUIRE(run.ok());
  INFO("child said:\n" << absl::StrJoin(run->lines, "\n"));
  REQUIRE_FALSE(run->Has("anchor-error"));
  return *std::move(run);
}

inline void RequireRecovers(const HardwareConfig& hw, const std::string& db, const Durable& durable) {
  const absl::Status recovered = CheckRecovers(hw, db, durable);
  INFO(recovered);
  REQUIRE(recovered.ok());
}

// Kills a child at each crash point, for routine and release anchors, in one
// state; recovers after each.
inline void RunStepCrashCampaign(const HardwareConfig& hw, const std::string& db) {
  REQUIRE(ProvisionState(hw, db).ok());
  Durable durable;
  for (const char* kind : {"--kind=routine", "--kind=release"}) {
    for (const CrashPoint& p : ProtocolCrashPoints()) {
      INFO(kind << " " << p.Flag());
      const ChildResult run =
          RunCrashChild(ChildArgs(hw, db, {kind, p.Flag(), "--rounds=3", "--threads=2"}));
      INFO("child said:\n" << absl::StrJoin(run.lines, "\n"));
      REQUIRE(run.Has("dying"));
      REQUIRE(run.DiedOfSigkill());
      REQUIRE(durable.Add(run).ok());
      RequireRecovers(hw, db, durable);
    }
  }
  REQUIRE(durable.committed.size() >= 14);
}

// `runs` children appending and anchoring from 4 threads (one of them
// releasing), each SIGKILLed after a random delay in [0, max_delay].
inline void RunRandomCrashCampaign(const HardwareConfig& hw, const std::string& db, int runs,
                                   absl::Duration max_delay) {
  REQUIRE(ProvisionState(hw, db).ok());
  const unsigned seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int64_t> delay_us(0, absl::ToInt64Microseconds(max_delay));
  Durable durable;
  int killed = 0;
  for (int i = 0; i < runs; ++i) {
    const absl::Duration delay = absl::Microseconds(delay_us(rng));
    INFO("run " << i << " killed after " << delay);
    const ChildResult run = RunCrashChild(
        ChildArgs(hw, db, {"--kind=mixed", "--rounds=1000000", "--threads=4"}), delay);
    REQUIRE(run.DiedOfSigkill());
    killed += run.killed_by_parent ? 1 : 0;
    REQUIRE(durable.Add(run).ok());
    RequireRecovers(hw, db, durable);
  }
  REQUIRE(killed == runs);
}

// A child provisioning an empty state is killed at `p`; the state is then
// either still empty (provisioning again works) or recovers.
inline void RunProvisioningCrash(const HardwareConfig& hw, const std::string& db,
                                 const CrashPoint& p) {
  const ChildResult run = RunCrashChild(ChildArgs(hw, db, {"--provision", p.Flag()}));
  REQUIRE(run.Has("dying"));
  REQUIRE(run.DiedOfSigkill());
  const absl::Status recovered = CheckRecovers(hw, db, Durable{});
  if (p.step == AnchorStep::kBeforeEventCommit) {
    REQUIRE(recovered.code() == absl::StatusCode::kFailedPrecondition);  // nothing committed
    REQUIRE(ProvisionState(hw, db).ok());
  }
  RequireRecovers(hw, db, Durable{});
}

}  // namespace breakglass::audit::testing

#endif  // BREAKGLASS_TESTS_INTEGRATION_ANCHOR_CRASH_CAMPAIGN_H_
