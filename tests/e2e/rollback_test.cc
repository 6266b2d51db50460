// Leaving the rollback state end to end, on SoftHSM2 and swtpm, as the
// operator, the custodians and the auditor live it (DESIGN.md "Anchoring in
// the TPM": "Leaving that state is itself a quorum-approved, logged
// operation"):
//   the cast and a 2-of-3 credential → a copy of the state dir → a release
//   (the TPM counters move) → the old copy is put back → breakglassd refuses
//   to start (exit 3) naming the counters → started with --recover-rollback
//   it serves only status and the clear: erin's request is refused, the
//   statement shows both counters' logged and TPM values → alice approves:
//   not enough; alice again, erin, or a signature by another key: refused →
//   bob approves: cleared → breakglassd serves normally (same process): a new
//   request is released and fetched → the exported bundle verifies offline
//   and reports the clear first → a restart without the flag is normal.
#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/strings/str_cat.h"
#include "api/testing/test_env.h"
#include "tests/e2e/cast.h"
#include "tests/e2e/daemon_fixture.h"

namespace breakglass::e2e {
namespace {

namespace fs = std::filesystem;
using api::testing::ChildProcess;
using api::testing::CommandResult;
using api::testing::ReadFile;

constexpr char kSecret[] = "rollback test secret";

void Stop(ChildProcess& daemon) {
  daemon.Signal(SIGTERM);
  REQUIRE(daemon.Wait(absl::Seconds(30)) == std::optional<int>(0));
}

// The counters the log states at its latest checkpoint (`status --json`).
std::pair<uint64_t, uint64_t> Counters(const DaemonDir& dir) {
  const nlohmann::json status = nlohmann::json::parse(Ok(dir, "audrey", {"status", "--json"}));
  return {std::stoull(status.at("release_counter").get<std::string>()),
          std::stoull(status.at("checkpoint_counter").get<std::string>())};
}

// A request by erin on db-root, approved by `first` and `second`, fetched.
void ReleaseAndFetch(const DaemonDir& dir, const std::string& first, const std::string& second,
                     const std::string& name) {
  const std::string id = Request(dir, "db-root");
  CHECK(Contains(Approve(dir, first, id), "pending"));
  CHECK(Contains(Approve(dir, second, id), "released"));
  const fs::path out = dir.root() / name;
  Ok(dir, "erin", {"fetch", id, "--out", out.string()});
  CHECK(ReadFile(out) == kSecret);
}

CommandResult RollbackApprove(const DaemonDir& dir, const std::string& who,
                              const std::string& key_of) {
  return dir.Cli(who, {"rollback", "approve", "--yes", "--key-file",
                       (dir.root() / (key_of + ".sign.pem")).string()});
}

// The counters of `rollback status --json`: {release, checkpoint} each {A, T}.
nlohmann::json RecoveryCounters(const DaemonDir& dir) {
  const nlohmann::json r =
      nlohmann::json::parse(Ok(dir, "audrey", {"rollback", "status", "--json"}));
  REQUIRE(r.at("counters").size() == 2);
  return r.at("counters");
}

TEST_CASE("AQuorumOfCustodiansClearsARollbackAndTheAuditorSeesIt", "[e2e][hsm][tpm]") {
  DaemonDir dir(CastNames());
  dir.StartHardware();
  {
    ChildProcess first = dir.StartDaemon();
    ProvisionCast(dir, "db-root", kSecret);
    Stop(first);
  }
  fs::copy(dir.state(), dir.root() / "state-before", fs::copy_options::recursive);
  uint64_t release_before = 0, checkpoint_before = 0;
  {
    ChildProcess daemon = dir.StartDaemon();
    std::tie(release_before, checkpoint_before) = Counters(dir);
    ReleaseAndFetch(dir, "alice", "bob", "first.secret");
    Stop(daemon);
  }

  // The older copy is back: the start-up check refuses, naming the numbers.
  fs::remove_all(dir.state());
  fs::copy(dir.root() / "state-before", dir.state(), fs::copy_options::recursive);
  const CommandResult refused = dir.Run({});
  INFO(refused.output);
  REQUIRE(refused.exit_code == 3);
  CHECK(Contains(refused.output, absl::StrCat("but the audit log states ", release_before)));
  CHECK(Contains(refused.output, "--recover-rollback"));

  ChildProcess recovering = dir.StartDaemon({"--recover-rollback"});
  CHECK(Contains(ReadFile(dir.log()), "ROLLBACK RECOVERY"));
  const nlohmann::json counters = RecoveryCounters(dir);
  CHECK(counters[0].at("counter") == "release");
  CHECK(counters[0].at("log_value") == std::to_string(release_before));
  const uint64_t release_tpm = std::stoull(counters[0].at("tpm_value").get<std::string>());
  CHECK(release_tpm > release_before);
  CHECK(counters[1].at("log_value") == std::to_string(checkpoint_before));
  const std::string shown = Ok(dir, "operator", {"rollback", "status"});
  CHECK(Contains(shown, "breakglass-rollback-clear-v1"));
  CHECK(Contains(shown, absl::StrCat("counter release: log states ", release_before, ", TPM holds ",
                                     release_tpm)));

  // Only status and the clear are served.
  const CommandResult asked = dir.Cli(
      "erin", {"request", "db-root", "--incident", "INC-2", "--reason", "during the recovery"});
  INFO(asked.output);
  CHECK(asked.exit_code != 0);
  CHECK(Contains(asked.output, "appliance is in rollback recovery"));
  CHECK(Contains(Ok(dir, "erin", {"whoami"}), "erin"));

  // One approval is not enough; repeats, non-custodians and other keys count for nothing.
  CHECK(Contains(
      Ok(dir, "alice",
         {"rollback", "approve", "--yes", "--key-file", (dir.root() / "alice.sign.pem").string()}),
      "approved: 1 of 2 (alice)"));
  for (const auto& [who, key_of, why] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"alice", "alice", "already approved"},
           {"erin", "alice", "identity 'erin' has roles requester"},
           {"carol", "bob", "does not verify under their registered key"}}) {
    const CommandResult r = RollbackApprove(dir, who, key_of);
    INFO(who << ": " << r.output);
    CHECK(r.exit_code != 0);
    CHECK(Contains(r.output, why));
  }
  CHECK(dir.Cli("erin", {"credential", "list"}).exit_code != 0);
  CHECK(Contains(Ok(dir, "audrey", {"rollback", "status"}), "approvals: 1 of 2 (alice)"));

  // The second custodian clears it; this breakglassd now serves normally.
  CHECK(Contains(
      Ok(dir, "bob",
         {"rollback", "approve", "--yes", "--key-file", (dir.root() / "bob.sign.pem").string()}),
      "ROLLBACK CLEARED by alice, bob"));
  CHECK(Contains(Ok(dir, "audrey", {"rollback", "status"}), "no rollback recovery"));
  // Status shows the re-baselined counter at once, not the log's old value.
  CHECK(Counters(dir).first == release_tpm);
  ReleaseAndFetch(dir, "carol", "alice", "second.secret");
  const auto [release_now, checkpoint_now] = Counters(dir);
  CHECK(release_now == release_tpm + 1);

  const fs::path bundle = dir.root() / "bundle";
  Ok(dir, "audrey", {"audit", "export", "--out", bundle.string()});
  const std::string verified = Ok(dir, "audrey", {"audit", "verify", bundle.string()});
  INFO(verified);
  CHECK(Contains(verified, "ROLLBACK CLEARED at leaf"));
  CHECK(Contains(verified, "by alice, bob (2 approvals, 2 required"));
  CHECK(Contains(verified, absl::StrCat("release counter re-baselined from ", release_before,
                                        " (log) to ", release_tpm, " (TPM)")));
  const CommandResult demanding =
      dir.Cli("audrey", {"audit", "verify", bundle.string(), "--min-clear-approvals", "3"});
  CHECK(demanding.exit_code == 4);
  Stop(recovering);

  // A plain restart finds everything in step.
  ChildProcess normal = dir.StartDaemon();
  CHECK(Contains(Ok(dir, "audrey", {"status"}), "releases           allowed"));
  Stop(normal);
}

}  // namespace
}  // namespace breakglass::e2e
