// Anchoring against the real components: SQLite, SoftHSM2 (the Ed25519 log
// key through hsm/pkcs11) and swtpm (NV counters and NV_Certify through
// tpm/tss). Crash injection (a child SIGKILLed at each protocol step and at
// random points), rollback (a restored stale store; a counter moved outside
// breakglass) and power loss (swtpm SIGKILLed mid-anchor and restarted on
// the same state).
#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>

#include "tests/harness/swtpm_process.h"
#include "tests/integration/anchor_crash.h"
#include "tests/integration/anchor_crash_campaign.h"
#include "tests/integration/anchor_hardware.h"
#include "vault/store/testing/temp_dir.h"

namespace breakglass::audit::testing {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<Devices> StartDevices(const store::testing::TempDir& dir) {
  absl::StatusOr<std::unique_ptr<Devices>> devices = Devices::StartReal(dir.File("hw"));
  INFO(devices.status());
  REQUIRE(devices.ok());  // a missing swtpm or SoftHSM2 fails, never skips
  return *std::move(devices);
}

std::unique_ptr<AnchoredState> OpenState(const HardwareConfig& config, const std::string& db,
                                         AnchorStepHook hook = nullptr) {
  AnchorOptions options;
  options.min_interval = absl::ZeroDuration();
  absl::StatusOr<std::unique_ptr<AnchoredState>> state =
      AnchoredState::Open(config, db, options, std::move(hook));
  INFO(state.status());
  REQUIRE(state.ok());
  return *std::move(state);
}

uint64_t AppendApproval(AnchoredState& s) {
  Event e(EventType::kApproval);
  e.set_actor("custodian-1").set_subject("req-1");
  absl::StatusOr<uint64_t> seq = s.log().Append(std::move(e));
  REQUIRE(seq.ok());
  return *seq;
}

void RequireRefused(AnchoredState& s, const absl::Status& status, const std::string& counter,
                    uint64_t log_value, uint64_t tpm_value) {
  INFO(status);
  REQUIRE(status.code() == absl::StatusCode::kFailedPrecondition);
  const std::string m(status.message());
  REQUIRE(m.find(absl::StrCat("TPM ", counter, " counter is ", tpm_value,
                              " but the audit log states ", log_value)) != std::string::npos);
  REQUIRE(s.anchorer().Ready(AnchorKind::kRelease).code() == absl::StatusCode::kFailedPrecondition);
  REQUIRE(s.anchorer().AnchorNow(AnchorKind::kRelease).code() ==
          absl::StatusCode::kFailedPrecondition);
  const Event alarm = *Event::Parse(*s.log().Leaf(*s.log().Size() - 1));
  REQUIRE(alarm.type() == EventType::kRollbackAlarm);
}

void CopyState(const std::string& from_dir, const std::string& to_dir) {
  fs::create_directories(to_dir);
  for (const char* f : {"state.db", "state.db-wal", "state.db-shm"}) {
    fs::remove(fs::path(to_dir) / f);
    if (fs::exists(fs::path(from_dir) / f)) fs::copy_file(fs::path(from_dir) / f, fs::path(to_dir) / f);
  }
}

TEST_CASE("swtpm+SoftHSM2: a child killed at each anchor step recovers without an alarm",
          "[anchor][crash]") {
  store::testing::TempDir dir;
  std::unique_ptr<Devices> devices = StartDevices(dir);
  RunStepCrashCampaign(devices->config(), dir.File("state.db"));
}

TEST_CASE("swtpm+SoftHSM2: a child killed at random points recovers without an alarm",
          "[anchor][crash]") {
  store::testing::TempDir dir;
  std::unique_ptr<Devices> devices = StartDevices(dir);
  RunRandomCrashCampaign(devices->config(), dir.File("state.db"), /*runs=*/25,
                         absl::Milliseconds(80));
}

TEST_CASE("swtpm+SoftHSM2: a restored stale copy of the state is refused, naming both values",
          "[anchor][rollback]") {
  store::testing::TempDir dir;
  std::unique_ptr<Devices> devices = StartDevices(dir);
  const std::string state_dir = dir.File("state");
  fs::create_directories(state_dir);
  const std::string db = state_dir + "/state.db";
  uint64_t stale_release = 0;
  {
    std::unique_ptr<AnchoredState> s = OpenState(devices->config(), db);
    REQUIRE(s->anchorer().Provision(s->provision()).ok());
    stale_release = *s->hardware().release->Read();
  }
  CopyState(state_dir, dir.File("stale"));
  {
    std::unique_ptr<AnchoredState> s = OpenState(devices->config(), db);
    REQUIRE(s->anchorer().Start().ok());
    AppendApproval(*s);
    REQUIRE(s->anchorer().AnchorNow(AnchorKind::kRelease).ok());
    REQUIRE(s->anchorer().AnchorNow(AnchorKind::kRoutine).ok());
  }
  CopyState(dir.File("stale"), state_dir);
  std::unique_ptr<AnchoredState> s = OpenState(devices->config(), db);
  const absl::Status refused = s->anchorer().Start().status();
  RequireRefused(*s, refused, "release", stale_release, stale_release + 1);
}

TEST_CASE("swtpm+SoftHSM2: a counter incremented outside breakglass is refused",
          "[anchor][rollback]") {
  store::testing::TempDir dir;
  std::unique_ptr<Devices> devices = StartDevices(dir);
  const std::string db = dir.File("state.db");
  uint64_t stated = 0;
  {
    std::unique_ptr<AnchoredState> s = OpenState(devices->config(), db);
    REQUIRE(s->anchorer().Provision(s->provision()).ok());
    stated = *s->hardware().checkpoint->Read();
  }
  {
    // Someone with the write secret moves the checkpoint counter directly.
    absl::StatusOr<Hardware> other = OpenHardware(devices->config());
    REQUIRE(other.ok());
    REQUIRE(other->checkpoint->Increment().ok());
  }
  std::unique_ptr<AnchoredState> s = OpenState(devices->config(), db);
  RequireRefused(*s, s->anchorer().Start().status(), "checkpoint", stated, stated + 1);
}

TEST_CASE("swtpm+SoftHSM2: swtpm killed hard mid-anchor and restarted recovers", "[anchor][power]") {
  store::testing::TempDir dir;
  std::unique_ptr<Devices> devices = StartDevices(dir);
  const std::string db = dir.File("state.db");
  {
    std::unique_ptr<AnchoredState> s = OpenState(devices->config(), db);
    REQUIRE(s->anchorer().Provision(s->provision()).ok());
  }
  for (const CrashPoint& p : ProtocolCrashPoints()) {
    // After certification the anchor needs no TPM any more: it completes.
    const bool tpm_still_needed =
        p.step != AnchorStep::kCountersCertified && p.step != AnchorStep::kEvidenceStored;
    DYNAMIC_SECTION("power lost at " << p.Flag()) {
      auto seen = std::make_shared<int>(0);
      breakglass::testing::SwtpmProcess* swtpm = devices->swtpm();
      AnchorStepHook hook = [p, seen, swtpm](AnchorStep s) {
        if (s == p.step && ++*seen == p.occurrence) swtpm->KillHard();
        return absl::OkStatus();
      };
      std::unique_ptr<AnchoredState> s = OpenState(devices->config(), db, hook);
      REQUIRE(s->anchorer().Start().ok());
      AppendApproval(*s);
      const absl::Status lost = s->anchorer().AnchorNow(AnchorKind::kRelease);
      INFO(lost);
      if (tpm_still_needed) {
        REQUIRE(lost.code() == absl::StatusCode::kUnavailable);
        REQUIRE(std::string(lost.message()).find("tpm (") != std::string::npos);
      } else {
        REQUIRE(lost.ok());
      }
      REQUIRE(swtpm->Restart().ok());
      // The same process carries on: the interrupted anchor is finished first.
      REQUIRE(s->anchorer().AnchorNow(AnchorKind::kRoutine).ok());
      s.reset();
      // And a restart finds everything in step.
      RequireRecovers(devices->config(), db, Durable{});
    }
  }
}

}  // namespace
}  // namespace breakglass::audit::testing
