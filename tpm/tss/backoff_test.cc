#include "tpm/tss/backoff.h"

#include <catch2/catch.hpp>
#include <vector>

namespace breakglass::tpm::tss {
namespace {

TEST_CASE("RetriesWithDoublingDelayUntilDone", "[tpm_tss]") {
  std::vector<absl::Duration> slept;
  int remaining_rate_errors = 3;
  const int calls = RetryWithBackoff(
      {.initial = absl::Milliseconds(10), .max = absl::Milliseconds(25), .max_attempts = 10},
      [&] { return remaining_rate_errors-- > 0; }, [&](absl::Duration d) { slept.push_back(d); });
  CHECK(calls == 4);
  CHECK(slept == std::vector<absl::Duration>{absl::Milliseconds(10), absl::Milliseconds(20),
                                             absl::Milliseconds(25)});
}

TEST_CASE("GivesUpAfterMaxAttempts", "[tpm_tss]") {
  int sleeps = 0;
  const int calls = RetryWithBackoff(
      {.max_attempts = 4}, [] { return true; }, [&](absl::Duration) { ++sleeps; });
  CHECK(calls == 4);
  CHECK(sleeps == 3);
}

TEST_CASE("NoRetryWhenTheFirstAttemptIsDone", "[tpm_tss]") {
  int sleeps = 0;
  CHECK(RetryWithBackoff(
            {}, [] { return false; }, [&](absl::Duration) { ++sleeps; }) == 1);
  CHECK(sleeps == 0);
}

}  // namespace
}  // namespace breakglass::tpm::tss
