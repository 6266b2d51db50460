// breakglassd with [keystore] kind = "tpm" on SoftHSM2 + swtpm: `init`
// creates the TPM's SRK (the audit log's key stays on the token) and the
// credential's shares are sealed by the TPM under the firmware profile's PCR
// policy; after a restart (the SRK is opened, not made) a 2-of-3 quorum
// releases and the requester fetches the secret, and the release event names
// the TPM keystore. The same state with kind = "pkcs11" refuses to start,
// naming keystore.kind.
#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
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
using api::testing::WriteFile;

constexpr char kSecret[] = "tpm keystore e2e secret";

void UseKeystore(const DaemonDir& dir, const std::string& kind) {
  WriteFile(dir.config(), absl::StrCat(dir.ValidConfig(), "[keystore]\nkind = \"", kind, "\"\n"));
}

void Stop(ChildProcess& daemon) {
  daemon.Signal(SIGTERM);
  REQUIRE(daemon.Wait(absl::Seconds(30)) == std::optional<int>(0));
}

// The `keystore` field of the release event of `id` ("" when there is none).
std::string ReleaseKeystore(const DaemonDir& dir, const std::string& id) {
  std::istringstream leaves(Leaves(dir));
  for (std::string line; std::getline(leaves, line);) {
    const nlohmann::json leaf = nlohmann::json::parse(line.substr(line.find(' ') + 1));
    if (leaf.at("type") == "release" && Contains(leaf.at("subject").get<std::string>(), id)) {
      return leaf.at("keystore").get<std::string>();
    }
  }
  return "";
}

TEST_CASE("WithTheTpmKeystoreA2Of3QuorumReleasesAfterARestartAndTheRequesterFetches",
          "[e2e][hsm][tpm]") {
  DaemonDir dir(CastNames());
  dir.StartHardware();
  UseKeystore(dir, "tpm");
  {
    ChildProcess first = dir.StartDaemon();
    ProvisionCast(dir, "db-root", kSecret);  // shares sealed by the TPM
    Stop(first);
  }
  ChildProcess daemon = dir.StartDaemon();  // opens the SRK made at init
  const std::string id = Request(dir, "db-root");
  CHECK(Contains(Approve(dir, "alice", id), "pending"));
  CHECK(Contains(Approve(dir, "bob", id), "released"));  // unsealed by the TPM

  const fs::path out = dir.root() / "db-root.secret";
  Ok(dir, "erin", {"fetch", id, "--out", out.string()});
  CHECK(ReadFile(out) == kSecret);
  // firmware-config/dev.toml: SRK 0x81000001, PCR policy sha256:16.
  CHECK(ReleaseKeystore(dir, id) == "tpm:srk=0x81000001;pcr=sha256:16");
  Stop(daemon);
  CHECK(!Contains(ReadFile(dir.log()), kSecret));
}

TEST_CASE("AnApplianceInitialisedWithTheTpmKeystoreRefusesToStartWithPkcs11", "[e2e][hsm][tpm]") {
  DaemonDir dir(CastNames());
  dir.StartHardware();
  UseKeystore(dir, "tpm");
  {
    ChildProcess first = dir.StartDaemon();
    Ok(dir, "operator", {"init", "--log-origin", "breakglass.test/e2e"});
    Stop(first);
  }
  UseKeystore(dir, "pkcs11");  // init made no share-sealing key on the token
  const CommandResult r = dir.Run({});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK(Contains(r.output, "hsm (share-sealing keystore, keystore.kind = \"pkcs11\")"));
  CHECK(Contains(r.output, "keystore.kind must stay what `breakglass init` ran with"));
}

}  // namespace
}  // namespace breakglass::e2e
