// The maintenance thread with scripted tasks (no clocks asserted: each test
// waits for what it needs with a generous bound), and breakglassd's task list
// over a FakeBackend. The expiry itself on the real daemon: tests/e2e.
#include "api/breakglassd/maintenance.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <sstream>

#include "absl/synchronization/mutex.h"
#include "api/testing/fake_backend.h"
#include "api/testing/test_env.h"
#include "spdlog/sinks/ostream_sink.h"
#include "spdlog/spdlog.h"

namespace breakglass::api {
namespace {

constexpr absl::Duration kLong = absl::Hours(1);
constexpr absl::Duration kBound = absl::Seconds(60);

struct Logged {
  std::ostringstream out;
  std::shared_ptr<spdlog::logger> log = std::make_shared<spdlog::logger>(
      "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  std::string Text() {
    log->flush();
    return out.str();
  }
};

// A task that counts its runs and notifies once it has run `notify_at` times.
struct Counted {
  std::atomic<int> runs{0};
  int notify_at = 1;
  absl::Notification reached;
  PeriodicTask Task(std::string name, absl::StatusOr<std::string> result = std::string()) {
    return {std::move(name), [this, result] {
              if (++runs == notify_at) reached.Notify();
              return result;
            }};
  }
};

TEST_CASE("TheFirstRoundRunsAtStartNotAfterTheInterval", "[maintenance]") {
  Logged logged;
  Counted counted;
  auto m = Maintenance::Start({counted.Task("count")}, kLong, logged.log.get());
  CHECK(counted.reached.WaitForNotificationWithTimeout(kBound));
  m->Stop();
  CHECK(counted.runs == 1);  // the next round was an hour away
}

TEST_CASE("RoundsRepeatEveryIntervalUntilStopped", "[maintenance]") {
  Logged logged;
  Counted counted;
  counted.notify_at = 3;
  auto m = Maintenance::Start({counted.Task("count")}, absl::Milliseconds(1), logged.log.get());
  REQUIRE(counted.reached.WaitForNotificationWithTimeout(kBound));
  m->Stop();
  const int after_stop = counted.runs;
  m->Stop();  // idempotent
  CHECK(after_stop >= 3);
  CHECK(counted.runs == after_stop);
}

TEST_CASE("StopWakesTheThreadWithoutWaitingForTheInterval", "[maintenance]") {
  Logged logged;
  Counted counted;
  auto m = Maintenance::Start({counted.Task("count")}, kLong, logged.log.get());
  REQUIRE(counted.reached.WaitForNotificationWithTimeout(kBound));
  m.reset();  // joins; would hang for an hour (and time out) if Stop slept through it
  CHECK(counted.runs == 1);
}

TEST_CASE("AFailingTaskIsLoggedByNameAndTheNextTaskStillRuns", "[maintenance]") {
  Logged logged;
  Counted failing, next;
  auto m =
      Maintenance::Start({failing.Task("flaky", absl::UnavailableError("tpm: connection refused")),
                          next.Task("after", std::string("did 2 things"))},
                         kLong, logged.log.get());
  REQUIRE(next.reached.WaitForNotificationWithTimeout(kBound));
  m->Stop();
  const std::string text = logged.Text();
  INFO(text);
  CHECK(text.find("maintenance: flaky failed: UNAVAILABLE: tpm: connection refused") !=
        std::string::npos);
  CHECK(text.find("maintenance: after: did 2 things") != std::string::npos);
}

TEST_CASE("ATaskWithNothingToDoLogsNothing", "[maintenance]") {
  Logged logged;
  Counted quiet;
  auto m = Maintenance::Start({quiet.Task("quiet")}, kLong, logged.log.get());
  REQUIRE(quiet.reached.WaitForNotificationWithTimeout(kBound));
  m->Stop();
  CHECK(logged.Text().empty());
}

TEST_CASE("ExpireDueWaitsForProvisioningThenFindsNothingDue", "[maintenance]") {
  api::testing::TempDir dir;
  auto backend = api::testing::FakeBackend::Create(dir.path());
  REQUIRE(backend.ok());
  std::vector<PeriodicTask> tasks = MaintenanceTasks(backend->get());
  REQUIRE(tasks.size() >= 2);
  CHECK(tasks[0].name == "expire_due");
  CHECK(tasks[1].name == "check_overdue_reviews");
  absl::StatusOr<std::string> reviews_before = tasks[1].run();
  REQUIRE(reviews_before.ok());
  CHECK(reviews_before->empty());
  absl::StatusOr<std::string> unprovisioned = tasks[0].run();
  REQUIRE(unprovisioned.ok());
  CHECK(unprovisioned->empty());
  REQUIRE((*backend)->Provision("breakglass.test/maintenance").ok());
  absl::StatusOr<std::string> provisioned = tasks[0].run();
  INFO(provisioned.status().ToString());
  REQUIRE(provisioned.ok());
  CHECK(provisioned->empty());
  absl::StatusOr<std::string> reviews = tasks[1].run();
  REQUIRE(reviews.ok());
  CHECK(reviews->empty());
}

}  // namespace
}  // namespace breakglass::api
