#include "vault/audit/startup_check.h"

#include <catch2/catch.hpp>

#include "vault/audit/anchor_test_util.h"

namespace breakglass::audit {
namespace {

TEST_CASE("Counters equal to the log are in step", "[startup_check]") {
  REQUIRE(JudgeCounter("checkpoint", 10, 10, true).verdict == CounterVerdict::kInStep);
  REQUIRE(JudgeCounter("release", 10, 10, false).verdict == CounterVerdict::kInStep);
}

TEST_CASE("A counter one behind a moving anchor is to be finished", "[startup_check]") {
  REQUIRE(JudgeCounter("checkpoint", 11, 10, true).verdict == CounterVerdict::kOneBehind);
}

TEST_CASE("A counter one behind an anchor that does not move it is a rollback",
          "[startup_check]") {
  const CounterCheck c = JudgeCounter("release", 11, 10, false);
  REQUIRE(c.verdict == CounterVerdict::kRollback);
  REQUIRE(c.Disagreement().problem == RollbackProblem::kStoreAheadOfTpm);
}

TEST_CASE("A store behind the TPM or far ahead of it is a rollback naming both values",
          "[startup_check]") {
  const CounterCheck behind = JudgeCounter("checkpoint", 10, 11, true);
  REQUIRE(behind.verdict == CounterVerdict::kRollback);
  REQUIRE(behind.Disagreement().problem == RollbackProblem::kStoreBehindTpm);
  REQUIRE(behind.Disagreement().log_value == 10);
  REQUIRE(behind.Disagreement().tpm_value == 11);
  const CounterCheck ahead = JudgeCounter("checkpoint", 12, 10, true);
  REQUIRE(ahead.verdict == CounterVerdict::kRollback);
  REQUIRE(ahead.Disagreement().problem == RollbackProblem::kStoreAheadOfTpm);
  REQUIRE(JudgeCounter("checkpoint", 0, 5, true).verdict == CounterVerdict::kRollback);
}

TEST_CASE("CheckCounters reads both counters, release first", "[startup_check]") {
  testing::TestTpm tpm(8, 3);
  tpm::FaultInjectingCounter& checkpoint = tpm.checkpoint();
  tpm::FaultInjectingCounter& release = tpm.release();
  absl::StatusOr<std::vector<CounterCheck>> checks =
      CheckCounters({AnchorKind::kRoutine, 9, 3}, checkpoint, release);
  REQUIRE(checks.ok());
  REQUIRE(checks->size() == 2);
  REQUIRE((*checks)[0].counter == "release");
  REQUIRE((*checks)[0].verdict == CounterVerdict::kInStep);
  REQUIRE((*checks)[1].counter == "checkpoint");
  REQUIRE((*checks)[1].verdict == CounterVerdict::kOneBehind);
  checkpoint.SetDown(absl::UnavailableError("swtpm gone"));
  const absl::Status down = CheckCounters({AnchorKind::kRoutine, 9, 3}, checkpoint, release).status();
  REQUIRE(down.code() == absl::StatusCode::kUnavailable);
  REQUIRE(std::string(down.message()).find("tpm (checkpoint counter)") != std::string::npos);
}

}  // namespace
}  // namespace breakglass::audit
