// The break-glass story end to end, as its users live it: breakglassd on a
// private SoftHSM2 token and a swtpm, driven by the breakglass CLI through one
// profile per identity (DESIGN.md "Who uses it"; issue 6):
//   init (HSM keys, TPM counters + AK, genesis checkpoint) → identities →
//   a 2-of-3 credential → erin requests with incident + reason while `watch`
//   shows it → her approval is refused → alice (Ed25519) and bob (P-256)
//   approve, signing the canonical statement → erin fetches and decrypts →
//   a second fetch is refused → no copy of the credential (raw, hex or
//   base64) is in any file but erin's --out file: breakglassd's state dir
//   and log, the token, the TPM state, the CLI state dirs → the operator
//   rotates the credential → erin may not review her own use → rita
//   (reviewer) signs the post-incident review with the key in her own
//   SoftHSM2 token; the request is reviewed and the release closed → rita and
//   audrey (auditor) make the incident report, re-verified against the keys
//   from init → audrey exports
//   the bundle and verifies it offline against the keys from init → an older
//   copy of the state dir makes breakglassd refuse to start, naming the
//   counter and both values.
#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/strings/str_cat.h"
#include "api/testing/test_env.h"
#include "hsm/pkcs11/provisioning.h"
#include "hsm/pkcs11/token.h"
#include "tests/e2e/daemon_fixture.h"
#include "tests/e2e/secret_scan.h"
#include "vault/base/encoding.h"
#include "vault/base/random.h"

namespace breakglass::e2e {
namespace {

namespace fs = std::filesystem;
using api::testing::ChildProcess;
using api::testing::CommandResult;
using api::testing::ReadFile;
using api::testing::RunCommand;

// 32 random bytes per run: distinctive, binary, found by the scan below in
// any form it could be written in.
std::string RandomSecret() {
  base::SystemRandom random;
  auto bytes = random.Bytes(32);
  REQUIRE(bytes.ok());
  return *bytes;
}
const std::vector<std::string> kPeople = {"operator", "alice", "bob",   "carol",
                                          "erin",     "rita",  "audrey"};

// Runs a CLI command that must succeed; its output.
std::string Ok(const DaemonDir& dir, const std::string& who, const std::vector<std::string>& args,
               const std::string& input = "") {
  const CommandResult r = dir.Cli(who, args, input);
  INFO(who << " " << (args.empty() ? "" : args[0]) << ": " << r.output);
  REQUIRE(r.exit_code == 0);
  return r.output;
}

// A private signing key (openssl genpkey) in `dir`; its public half next to it.
fs::path MakeSigningKey(const fs::path& dir, const std::string& name, bool ed25519) {
  const fs::path key = dir / (name + ".sign.pem");
  const std::vector<std::string> gen =
      ed25519 ? std::vector<std::string>{"openssl", "genpkey", "-algorithm", "ed25519", "-out",
                                         key.string()}
              : std::vector<std::string>{"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                                         "ec_paramgen_curve:P-256", "-out", key.string()};
  REQUIRE(RunCommand(gen).exit_code == 0);
  REQUIRE(RunCommand({"openssl", "pkey", "-in", key.string(), "-pubout", "-out",
                      (dir / (name + ".pub.pem")).string()})
              .exit_code == 0);
  return key;
}

// The counters the log states at its latest checkpoint (`status --json`).
std::pair<uint64_t, uint64_t> Counters(const DaemonDir& dir) {
  const nlohmann::json status = nlohmann::json::parse(Ok(dir, "audrey", {"status", "--json"}));
  return {std::stoull(status.at("release_counter").get<std::string>()),
          std::stoull(status.at("checkpoint_counter").get<std::string>())};
}

void Stop(ChildProcess& daemon) {
  daemon.Signal(SIGTERM);
  REQUIRE(daemon.Wait(absl::Seconds(30)) == std::optional<int>(0));
}

// init, identities (custodians and rita with signing keys), a 2-of-3 credential.
nlohmann::json Provision(const DaemonDir& dir, const std::string& secret) {
  const nlohmann::json init = nlohmann::json::parse(
      Ok(dir, "operator", {"init", "--log-origin", "breakglass.test/story", "--json"}));
  CHECK(init.at("log_verifier_key").get<std::string>().rfind("breakglass.test/story+", 0) == 0);
  // init registered the operator who ran it; no `identity add operator`.
  for (const char* who : {"alice", "bob", "carol", "rita"}) {
    Ok(dir, "operator",
       {"identity", "add", who, "--role", std::string(who) == "rita" ? "reviewer" : "custodian",
        "--signing-key-file", (dir.root() / (std::string(who) + ".pub.pem")).string()});
  }
  Ok(dir, "operator", {"identity", "add", "erin", "--role", "requester"});
  Ok(dir, "operator", {"identity", "add", "audrey", "--role", "auditor"});
  Ok(dir, "operator",
     {"credential", "add", "db-root", "--factor", "dba:2:alice,bob,carol", "--incident-pattern",
      "INC-[0-9]+", "--deny-threshold", "2"},
     secret);
  CHECK(Contains(Ok(dir, "operator", {"credential", "list"}), "db-root"));
  const std::string people = Ok(dir, "audrey", {"identity", "list"});
  for (const std::string& who : kPeople) CHECK(Contains(people, who));
  return init;
}

// The incident report of request `id` (issue 7), as the reviewer (rita) and
// the auditor (audrey) make it: each step with its log index and the anchored
// checkpoint covering it, re-verified against the keys init printed.
void CheckReport(const DaemonDir& dir, const nlohmann::json& init, const std::string& id) {
  const auto with_keys = [&](std::vector<std::string> args) {
    for (const std::string& a :
         {std::string("--log-key"), init.at("log_verifier_key").get<std::string>(),
          std::string("--ak-fingerprint"),
          "SHA256:" + init.at("attestation_key_sha256_hex").get<std::string>()}) {
      args.push_back(a);
    }
    return args;
  };
  const nlohmann::json t = nlohmann::json::parse(Ok(dir, "rita", with_keys({"report", id, "--json"})));
  CHECK(t.at("ok") == true);
  CHECK(t.at("trust").at("log_key_pinned") == true);
  std::vector<std::string> types;
  for (const auto& e : t.at("entries")) types.push_back(e.at("type").get<std::string>());
  CHECK(types == std::vector<std::string>{"request", "approval", "approval", "release", "fetch",
                                          "fetch_refused", "rotation", "review", "closed"});
  const std::string md = Ok(dir, "rita", with_keys({"report", id, "--format", "md"}));
  for (const auto& e : t.at("entries")) {
    INFO(e.dump());
    CHECK(e.at("verdict") == "verified");
    REQUIRE(e.at("covered_by").is_number());
    CHECK(e.at("covered_by").get<uint64_t>() > e.at("index").get<uint64_t>());
    CHECK(Contains(md, absl::StrCat("| ", e.at("index").get<uint64_t>(), " | ")));
    CHECK(Contains(md, absl::StrCat("checkpoint ", e.at("covered_by").get<uint64_t>(), " (anchor: ")));
  }
  for (const char* text :
       {"# Incident report: request ", "erin requested db-root version 1 for incident INC-4711",
        "alice approved", "bob approved", "signed by alice with the key registered at leaf",
        "signed by bob with the key registered at leaf", "released to erin (approved by alice,bob",
        "erin fetched the credential", "a second fetch by erin was refused (already fetched)",
        "TPM certified release=", "review signed by rita; justified: yes",
        "All 9 entries verified"}) {
    CHECK(Contains(md, text));
  }
  const fs::path html = dir.root() / "incident.html";
  Ok(dir, "audrey", with_keys({"report", id, "--format", "html", "--out", html.string()}));
  CHECK((fs::status(html).permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
         fs::perms::others_read));
  const std::string page = ReadFile(html);
  CHECK(Contains(page, "primary database is down, need root to fail over"));
  CHECK(!Contains(page, "<script"));
  const CommandResult parsed = RunCommand(
      {"python3", "-c", "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])", html.string()});
  INFO(parsed.output);
  CHECK(parsed.exit_code == 0);  // a strict (XML) parser reads it
  const CommandResult requester = dir.Cli("erin", with_keys({"report", id}));
  INFO(requester.output);
  CHECK(requester.exit_code == 2);
  CHECK(Contains(requester.output, "needs role"));
}

// The released credential never reached a disk or a log: not breakglassd's
// state dir (SQLite db, -wal, -shm, the copy from before the incident), its
// captured stdout/stderr, the token or the TPM state, the CLI's state dirs,
// watch output, report or bundle — only `out`, the file erin asked for. A
// copy planted in erin's state dir must be found, or the scan proves nothing.
void RequireNoCopyOfTheSecret(const DaemonDir& dir, const std::string& secret, const fs::path& out,
                              const std::string& request_id) {
  std::vector<fs::path> roots = dir.hardware_dirs();
  roots.push_back(dir.root());
  const std::vector<std::string> found = FilesContainingSecret(roots, secret, {out});
  for (const std::string& f : found) FAIL_CHECK("the credential is in " << f);
  CHECK(found.empty());
  const fs::path planted = dir.root() / "cli" / "erin" / "planted-by-test";
  api::testing::WriteFile(planted, "x" + base::HexEncode(secret) + "\n");
  const std::vector<std::string> sanity = FilesContainingSecret(roots, secret, {out});
  CHECK(sanity == std::vector<std::string>{planted.string() + ": hex"});
  fs::remove(planted);
  // ...and the scan reads the appliance's database (or its WAL): the request
  // id is in it.
  bool db_read = false;
  for (const std::string& f : FilesContainingSecret(roots, request_id)) {
    db_read |= Contains(f, (dir.state() / "breakglass.db").string());
  }
  CHECK(db_read);
}

// rita's own token (in the appliance's token directory, added before any
// process loads the module) with her P-256 signing key "approval"; its
// public key goes to rita.pub.pem for `identity add`. The key URI for --key.
std::string MakeReviewerToken(DaemonDir& dir) {
  REQUIRE(dir.hsm().AddToken("rita").ok());
  auto token = hsm::pkcs11::Token::Open({dir.hsm().module_path(), "pkcs11:token=rita"},
                                        dir.hsm().user_pin());
  REQUIRE(token.ok());
  auto key = hsm::pkcs11::CreateSigningKeyPair(*token, "approval",
                                               crypto::SignatureAlgorithm::kEcdsaP256Sha256);
  REQUIRE(key.ok());
  api::testing::WriteFile(dir.root() / "rita.pub.pem", key->ToPem());
  return absl::StrCat("pkcs11:token=rita;object=approval?module-path=", dir.hsm().module_path());
}

// erin may not review her own use; rita signs the review with her token's
// key; with the credential rotated before, the release is closed.
void Review(const DaemonDir& dir, const std::string& id, const std::string& rita_key) {
  const std::vector<std::string> answers = {
      "--justified", "yes",
      "--actions",   "failed over the primary database with root",
      "--findings",  "replication lag had no alert",
      "--follow-up", "add a replication lag alert",
      "--follow-up", "rehearse the fail-over",
      "--yes"};
  std::vector<std::string> by_erin = {"review", id, "--key-file",
                                      (dir.root() / "alice.sign.pem").string()};
  by_erin.insert(by_erin.end(), answers.begin(), answers.end());
  const CommandResult refused = dir.Cli("erin", by_erin);
  INFO(refused.output);
  CHECK(refused.exit_code == 2);
  CHECK(Contains(refused.output, "needs role reviewer"));
  std::vector<std::string> by_rita = {"review", id,           "--key",
                                      rita_key, "--pin-file", dir.hsm().pin_file().string()};
  by_rita.insert(by_rita.end(), answers.begin(), answers.end());
  const std::string signed_review = Ok(dir, "rita", by_rita);
  CHECK(Contains(signed_review, "reviewed: " + id + "  reviewed"));
  CHECK(Contains(signed_review, "release closed"));
  const CommandResult again = dir.Cli("rita", by_rita);
  INFO(again.output);
  CHECK(again.exit_code == 2);
  const nlohmann::json shown =
      nlohmann::json::parse(Ok(dir, "audrey", {"requests", id, "--json"})).at("request");
  CHECK(shown.at("state") == "REQUEST_STATE_REVIEWED");
  CHECK(shown.at("closed") == true);
  CHECK(shown.at("review").at("reviews").size() == 1);
  CHECK(shown.at("review").at("rotated_to_version") == "2");
}

std::string Approve(const DaemonDir& dir, const std::string& who, const std::string& id) {
  return Ok(dir, who,
            {"approve", id, "--yes", "--key-file", (dir.root() / (who + ".sign.pem")).string()});
}

TEST_CASE("TheBreakGlassStoryOnSoftHsmAndSwtpm", "[e2e][hsm][tpm]") {
  DaemonDir dir(kPeople);
  dir.StartHardware();
  for (const char* who : {"alice", "bob", "carol"}) {
    MakeSigningKey(dir.root(), who, std::string(who) == "alice");
  }
  const std::string rita_key = MakeReviewerToken(dir);
  const std::string secret = RandomSecret();
  nlohmann::json init;
  {
    ChildProcess first = dir.StartDaemon();
    init = Provision(dir, secret);
    Stop(first);
  }
  // The state as it was before the incident, for the rollback at the end.
  fs::copy(dir.state(), dir.root() / "state-before", fs::copy_options::recursive);
  ChildProcess daemon = dir.StartDaemon();
  const auto [release_before, checkpoint_before] = Counters(dir);

  auto watch = ChildProcess::Start(
      {BREAKGLASS_CLI_PATH, "--config", dir.cli_config().string(), "--profile", "audrey", "watch"},
      dir.root() / "watch.out");
  REQUIRE(watch.ok());
  const fs::path watched = dir.root() / "watch.out";
  for (int i = 0; i < 500 && !Contains(ReadFile(watched), "watching from"); ++i) {
    watch->Wait(absl::Milliseconds(20));
  }
  REQUIRE(Contains(ReadFile(watched), "watching from"));
  const std::string asked =
      Ok(dir, "erin", {"request", "db-root", "--incident", "INC-4711", "--reason",
                       "primary database is down, need root to fail over"});
  const std::string id = asked.substr(0, asked.find('\n'));
  REQUIRE(!id.empty());
  for (int i = 0; i < 500 && !Contains(ReadFile(watched), "request by erin on " + id); ++i) {
    watch->Wait(absl::Milliseconds(20));
  }
  CHECK(Contains(ReadFile(watched), "request by erin on " + id + " [INC-4711]"));
  watch->Signal(SIGTERM);
  watch->Wait(absl::Seconds(10));

  // erin may not approve her own request.
  CommandResult self = dir.Cli(
      "erin", {"approve", id, "--yes", "--key-file", (dir.root() / "alice.sign.pem").string()});
  INFO(self.output);
  CHECK(self.exit_code == 2);
  CHECK(Contains(self.output, "needs role custodian"));

  CHECK(Contains(Approve(dir, "alice", id), "pending"));
  CHECK(Contains(Approve(dir, "bob", id), "released"));

  const fs::path out = dir.root() / "db-root.secret";
  Ok(dir, "erin", {"fetch", id, "--out", out.string()});
  CHECK(ReadFile(out) == secret);
  const fs::perms owner_rw = fs::perms::owner_read | fs::perms::owner_write;
  CHECK((fs::status(out).permissions() & fs::perms::all) == owner_rw);
  const CommandResult again = dir.Cli("erin", {"fetch", id});
  INFO(again.output);
  CHECK(again.exit_code != 0);
  CHECK(Contains(again.output, "already"));
  CHECK(!Contains(again.output, secret));
  RequireNoCopyOfTheSecret(dir, secret, out, id);

  // The incident closes with a rotation (which also anchors the routine
  // fetch events), then the report.
  Ok(dir, "operator", {"credential", "rotate", "db-root"}, "a new root password after INC-4711");
  Review(dir, id, rita_key);
  CheckReport(dir, init, id);

  const fs::path bundle = dir.root() / "bundle";
  Ok(dir, "audrey", {"audit", "export", "--out", bundle.string()});
  const std::string verified =
      Ok(dir, "audrey",
         {"audit", "verify", bundle.string(), "--log-key",
          init.at("log_verifier_key").get<std::string>(), "--ak-fingerprint",
          "SHA256:" + init.at("attestation_key_sha256_hex").get<std::string>(), "--strict"});
  const auto [release_after, checkpoint_after] = Counters(dir);
  CHECK(release_after == release_before + 1);
  CHECK(checkpoint_after > checkpoint_before);
  Stop(daemon);
  RequireNoCopyOfTheSecret(dir, secret, out, id);  // the WAL checkpointed into the db

  // Restore the older state: breakglassd refuses to start, with the numbers.
  fs::remove_all(dir.state());
  fs::copy(dir.root() / "state-before", dir.state(), fs::copy_options::recursive);
  const CommandResult refused = dir.Run({});
  INFO(refused.output);
  CHECK(refused.exit_code == 3);
  const std::string release_text = absl::StrCat("release counter is ", release_after,
                                                " but the audit log states ", release_before);
  const std::string checkpoint_text = absl::StrCat(
      "checkpoint counter is ", checkpoint_after, " but the audit log states ", checkpoint_before);
  CHECK((Contains(refused.output, release_text) || Contains(refused.output, checkpoint_text)));
  CHECK(!Contains(refused.output, secret));
}

}  // namespace
}  // namespace breakglass::e2e
