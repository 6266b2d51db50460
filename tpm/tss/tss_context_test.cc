// TssContext against a real swtpm: unreachable TPM, and a TPM killed (SIGKILL,
// power loss) in the middle of work, then restarted on the same state.
#include "tpm/tss/tss_context.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "tpm/tss/testing/tss_test_env.h"

namespace breakglass::tpm::tss {
namespace {

using testing::TssTestEnv;

std::unique_ptr<TssTestEnv> StartEnv() {
  auto env = TssTestEnv::Start();
  INFO(env.status().ToString());
  REQUIRE(env.ok());
  return *std::move(env);
}

TEST_CASE("OpenFailsUnavailableWhenSwtpmIsNotRunning", "[tpm]") {
  auto swtpm = ::breakglass::testing::SwtpmProcess::Start();
  REQUIRE(swtpm.ok());
  const std::string tcti = (*swtpm)->Tcti();
  (*swtpm)->Stop();
  auto ctx = TssContext::Open(tcti);
  REQUIRE_FALSE(ctx.ok());
  CHECK(ctx.status().code() == absl::StatusCode::kUnavailable);
  const std::string msg(ctx.status().message());
  CHECK_THAT(msg, Catch::Contains(tcti));
  CHECK_THAT(msg, Catch::Contains("is the TPM (or swtpm) running?"));
}

TEST_CASE("OpenRejectsEmptyTcti", "[tpm]") {
  CHECK(TssContext::Open("").status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("KillHardThenIncrementIsUnavailableAndRestartResumesConsistently", "[tpm]") {
  auto env = StartEnv();
  auto counter = env->NewCounter("checkpoint");
  REQUIRE(counter.ok());
  const uint64_t before = *(*counter)->Increment();

  env->swtpm().KillHard();
  auto failed = (*counter)->Increment();
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.status().code() == absl::StatusCode::kUnavailable);
  CHECK_THAT(std::string(failed.status().message()), Catch::Contains("TPM counter 'checkpoint'"));
  CHECK((*counter)->Read().status().code() == absl::StatusCode::kUnavailable);

  REQUIRE(env->swtpm().Restart().ok());
  CHECK(*(*counter)->Read() == before);  // nothing moved while it was down
  CHECK(*(*counter)->Increment() == before + 1);
}

TEST_CASE("KilledMidIncrementLoopKeepsCounterConsistentAcrossRestart", "[tpm]") {
  auto env = StartEnv();
  auto counter = env->NewCounter("release");
  REQUIRE(counter.ok());
  REQUIRE((*counter)->Increment().ok());
  std::atomic<uint64_t> last_ok{0};
  std::atomic<int> successes{0};
  absl::Status first_error;
  std::thread writer([&] {
    while (true) {
      auto v = (*counter)->Increment();
      if (!v.ok()) {
        first_error = v.status();
        return;
      }
      last_ok = *v;
      ++successes;
    }
  });
  while (successes < 20) std::this_thread::yield();
  env->swtpm().KillHard();
  writer.join();
  CHECK(first_error.code() == absl::StatusCode::kUnavailable);

  REQUIRE(env->swtpm().Restart().ok());
  const uint64_t after = *(*counter)->Read();
  // The increment in flight either reached NV before the kill or it did not.
  CHECK((after == last_ok || after == last_ok + 1));
  CHECK(*(*counter)->Increment() == after + 1);
}

}  // namespace
}  // namespace breakglass::tpm::tss
