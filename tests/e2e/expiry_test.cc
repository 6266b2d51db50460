// breakglassd's maintenance on the real daemon (SoftHSM2 + swtpm): a pending
// request whose approval window closed becomes `expired` with its `expiry`
// event in the audit log, with no client call doing it — while the daemon
// runs (every [maintenance] interval_seconds) and at start-up (the first
// round). SIGTERM stops the maintenance thread without waiting out its
// interval.
#include <signal.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "api/testing/test_env.h"
#include "tests/e2e/cast.h"
#include "tests/e2e/daemon_fixture.h"

namespace breakglass::e2e {
namespace {

using api::testing::ChildProcess;
using api::testing::ReadFile;
using api::testing::WriteFile;

constexpr char kSecret[] = "expiry test secret";

void UseInterval(const DaemonDir& dir, int seconds) {
  WriteFile(dir.config(),
            absl::StrCat(dir.ValidConfig(), "[maintenance]\ninterval_seconds = ", seconds, "\n"));
}

// Waits (up to a minute) for breakglassd's log to report `id` expired by the
// maintenance thread; the daemon's log.
std::string WaitForExpiryLine(const DaemonDir& dir, ChildProcess& daemon, const std::string& id) {
  const std::string line = "maintenance: expire_due: expired requests " + id;
  for (int i = 0; i < 600 && !Contains(ReadFile(dir.log()), line); ++i) {
    REQUIRE_FALSE(daemon.Wait(absl::Milliseconds(100)).has_value());
  }
  const std::string log = ReadFile(dir.log());
  INFO(log);
  CHECK(Contains(log, line));
  return log;
}

// The `expiry` leaves of the audit log about `id`.
std::vector<nlohmann::json> ExpiryEvents(const DaemonDir& dir, const std::string& id) {
  std::vector<nlohmann::json> out;
  std::istringstream leaves(Leaves(dir));
  for (std::string line; std::getline(leaves, line);) {
    const nlohmann::json leaf = nlohmann::json::parse(line.substr(line.find(' ') + 1));
    if (leaf.at("type") == "expiry" && Contains(leaf.at("subject").get<std::string>(), id)) {
      out.push_back(leaf);
    }
  }
  return out;
}

void CheckExpired(const DaemonDir& dir, const std::string& id) {
  CHECK(Contains(Ok(dir, "erin", {"requests", id}), "(expired)"));
  const std::vector<nlohmann::json> events = ExpiryEvents(dir, id);
  REQUIRE(events.size() == 1);
  CHECK(events[0].at("actor") == "breakglassd");
  // Too late to approve now.
  const auto late = dir.Cli(
      "alice", {"approve", id, "--yes", "--key-file", (dir.root() / "alice.sign.pem").string()});
  INFO(late.output);
  CHECK(late.exit_code != 0);
}

void Stop(ChildProcess& daemon) {
  daemon.Signal(SIGTERM);
  REQUIRE(daemon.Wait(absl::Seconds(30)) == std::optional<int>(0));
}

TEST_CASE("APendingRequestExpiresWhileTheDaemonRunsWithoutAnyClientCall", "[e2e][hsm][tpm]") {
  DaemonDir dir(CastNames());
  dir.StartHardware();
  UseInterval(dir, 1);
  ChildProcess daemon = dir.StartDaemon();
  ProvisionCast(dir, "db-root", kSecret, {"--approval-window", "1s"});
  const std::string id = Request(dir, "db-root");
  // No call until breakglassd itself says it expired the request.
  const std::string log = WaitForExpiryLine(dir, daemon, id);
  CHECK(Contains(log, "maintenance: expire_due, check_overdue_reviews now and every 1s"));
  CheckExpired(dir, id);
  Stop(daemon);
  CHECK(!Contains(ReadFile(dir.log()), kSecret));
}

TEST_CASE("TheFirstMaintenanceRoundRunsAtStartUp", "[e2e][hsm][tpm]") {
  DaemonDir dir(CastNames());
  dir.StartHardware();
  UseInterval(dir, 3600);  // only the start-up round can expire anything
  std::string id;
  {
    ChildProcess daemon = dir.StartDaemon();
    ProvisionCast(dir, "db-root", kSecret, {"--approval-window", "1s"});
    id = Request(dir, "db-root");
    Stop(daemon);  // promptly, though the next round is an hour away
  }
  // Let the approval window close while breakglassd is down.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  ChildProcess daemon = dir.StartDaemon();
  WaitForExpiryLine(dir, daemon, id);
  CheckExpired(dir, id);
  Stop(daemon);
}

}  // namespace
}  // namespace breakglass::e2e
