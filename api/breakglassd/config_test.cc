#include "api/breakglassd/config.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

namespace breakglass::api {
namespace {

std::string ErrorOf(const std::string& toml) {
  absl::StatusOr<DaemonConfig> config = ParseConfig(toml, "test.toml");
  REQUIRE_FALSE(config.ok());
  CHECK(absl::IsInvalidArgument(config.status()));
  return std::string(config.status().message());
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST_CASE("AnEmptyFileGivesTheDocumentedDefaults", "[config]") {
  absl::StatusOr<DaemonConfig> config = ParseConfig("", "test.toml");
  REQUIRE(config.ok());
  CHECK(config->server.listen == "127.0.0.1:8443");
  CHECK(config->server.drain_timeout_seconds == 10);
  CHECK(config->tpm.tcti == "device:/dev/tpmrm0");
  CHECK(config->SqlitePath() == "/var/lib/breakglass/breakglass.db");
}

TEST_CASE("ValuesAreApplied", "[config]") {
  absl::StatusOr<DaemonConfig> config = ParseConfig(R"(
[server]
listen = "127.0.0.1:0"
bootstrap_operator = "operator"
max_watchers = 5
[storage]
state_dir = "/tmp/bg"
[tpm]
tcti = "swtpm:host=127.0.0.1,port=2321"
)",
                                                    "test.toml");
  REQUIRE(config.ok());
  CHECK(config->server.listen == "127.0.0.1:0");
  CHECK(config->server.bootstrap_operator == "operator");
  CHECK(config->server.max_watchers == 5);
  CHECK(config->SqlitePath() == "/tmp/bg/breakglass.db");
  CHECK(config->tpm.tcti == "swtpm:host=127.0.0.1,port=2321");
}

TEST_CASE("AnUnknownKeyIsNamedWithItsLineAndTheValidKeys", "[config]") {
  const std::string e = ErrorOf("[server]\nlisten = \"127.0.0.1:1\"\nlisen = \"x\"\n");
  CHECK(Contains(e, "test.toml:3: unknown key 'server.lisen'"));
  CHECK(Contains(e, "valid keys in [server]: listen, port_file"));
}

TEST_CASE("AnUnknownSectionIsNamed", "[config]") {
  CHECK(Contains(ErrorOf("[serverr]\nlisten = \"x\"\n"), "test.toml:1: unknown key 'serverr'"));
  CHECK(Contains(ErrorOf("listen = \"127.0.0.1:1\"\n"), "unknown key 'listen'"));
}

TEST_CASE("AValueOfTheWrongTypeIsNamed", "[config]") {
  CHECK(Contains(ErrorOf("[server]\nmax_threads = \"8\"\n"),
                 "test.toml:2: server.max_threads: expected an integer"));
  CHECK(Contains(ErrorOf("[tls]\ncert = 5\n"), "test.toml:2: tls.cert: expected a string"));
  CHECK(Contains(ErrorOf("server = 1\n"), "[server] must be a table"));
}

TEST_CASE("AnOutOfRangeValueIsNamedWithTheRange", "[config]") {
  CHECK(Contains(ErrorOf("[anchoring]\nbudget_alert_percent = 101\n"),
                 "anchoring.budget_alert_percent: 101 is out of range 1..100"));
  CHECK(Contains(ErrorOf("[server]\nmax_request_bytes = -1\n"), "server.max_request_bytes"));
}

TEST_CASE("BadStringValuesAreNamedWithWhatIsExpected", "[config]") {
  CHECK(Contains(ErrorOf("[server]\nlisten = \"localhost:80\"\n"),
                 "server.listen: the host must be an IP address"));
  CHECK(
      Contains(ErrorOf("[server]\nlisten = \"127.0.0.1\"\n"), "server.listen: expected host:port"));
  CHECK(Contains(ErrorOf("[server]\nlisten = \"127.0.0.1:70000\"\n"), "server.listen"));
  CHECK(Contains(ErrorOf("[tls]\nkey = \"server.key\"\n"), "tls.key: expected an absolute path"));
  CHECK(
      Contains(ErrorOf("[hsm]\npin_file = \"pin\"\n"), "hsm.pin_file: expected an absolute path"));
  CHECK(Contains(ErrorOf("[logging]\nlevel = \"loud\"\n"), "logging.level: expected one of"));
  CHECK(Contains(ErrorOf("[server]\nbootstrap_operator = \"-x\"\n"), "server.bootstrap_operator"));
  CHECK(Contains(ErrorOf("[tpm]\ntcti = \"\"\n"), "tpm.tcti"));
}

TEST_CASE("TheMaintenanceIntervalDefaultsTo30SecondsAndIsValidated", "[config]") {
  absl::StatusOr<DaemonConfig> defaults = ParseConfig("", "test.toml");
  REQUIRE(defaults.ok());
  CHECK(defaults->maintenance.interval_seconds == 30);
  absl::StatusOr<DaemonConfig> set = ParseConfig("[maintenance]\ninterval_seconds = 5\n", "t");
  REQUIRE(set.ok());
  CHECK(set->maintenance.interval_seconds == 5);
  CHECK(Contains(ErrorOf("[maintenance]\ninterval_seconds = 0\n"),
                 "test.toml:2: maintenance.interval_seconds: 0 is out of range 1..3600"));
  CHECK(Contains(ErrorOf("[maintenance]\ninterval_seconds = \"30s\"\n"),
                 "maintenance.interval_seconds: expected an integer"));
  CHECK(Contains(ErrorOf("[maintenance]\ninterval = 30\n"),
                 "unknown key 'maintenance.interval'; valid keys in [maintenance]: "
                 "interval_seconds"));
  CHECK(Contains(ErrorOf("[maintenanse]\n"),
                 "valid sections: server, tls, storage, hsm, tpm, firmware, keystore, anchoring, "
                 "alerts, incident_check, maintenance, recovery, logging"));
}

TEST_CASE("TheKeystoreKindDefaultsToPkcs11AndIsPkcs11OrTpm", "[config]") {
  absl::StatusOr<DaemonConfig> defaults = ParseConfig("", "test.toml");
  REQUIRE(defaults.ok());
  CHECK(defaults->keystore.kind == "pkcs11");
  for (const char* kind : {"pkcs11", "tpm"}) {
    absl::StatusOr<DaemonConfig> set =
        ParseConfig(std::string("[keystore]\nkind = \"") + kind + "\"\n", "test.toml");
    REQUIRE(set.ok());
    CHECK(set->keystore.kind == kind);
  }
  CHECK(Contains(ErrorOf("[keystore]\nkind = \"softhsm\"\n"),
                 "test.toml:2: keystore.kind: expected \"pkcs11\" or \"tpm\""));
  CHECK(Contains(ErrorOf("[keystore]\nkind = 1\n"), "keystore.kind: expected a string"));
  CHECK(Contains(ErrorOf("[keystore]\ntype = \"tpm\"\n"),
                 "unknown key 'keystore.type'; valid keys in [keystore]: kind"));
}

TEST_CASE("TheRollbackClearQuorumDefaultsToTwoAndIsValidated", "[config]") {
  absl::StatusOr<DaemonConfig> defaults = ParseConfig("", "test.toml");
  REQUIRE(defaults.ok());
  CHECK(defaults->recovery.rollback_clear_approvals == 2);
  absl::StatusOr<DaemonConfig> set = ParseConfig("[recovery]\nrollback_clear_approvals = 3\n", "t");
  REQUIRE(set.ok());
  CHECK(set->recovery.rollback_clear_approvals == 3);
  CHECK(Contains(ErrorOf("[recovery]\nrollback_clear_approvals = 0\n"),
                 "test.toml:2: recovery.rollback_clear_approvals: 0 is out of range 1..64"));
  CHECK(Contains(ErrorOf("[recovery]\napprovals = 2\n"),
                 "unknown key 'recovery.approvals'; valid keys in [recovery]: "
                 "rollback_clear_approvals"));
}

TEST_CASE("ATomlSyntaxErrorNamesTheLine", "[config]") {
  CHECK(Contains(ErrorOf("[server]\nlisten = \n"), "test.toml:2:"));
}

TEST_CASE("TheExampleUncommentedParsesToTheDefaults", "[config]") {
  // Every "# key = value" line of the example, uncommented, is valid and
  // restates the default: the documentation cannot drift from the code.
  static const std::regex kSetting(R"(^# ([a-z_]+ = .*)$)");
  std::istringstream in(ExampleConfig());
  std::string line, toml;
  int settings = 0;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, kSetting)) {
      toml += m[1].str() + "\n";
      ++settings;
    } else if (!line.empty() && line[0] == '[') {
      toml += line + "\n";
    }
  }
  CHECK(settings == 44);
  absl::StatusOr<DaemonConfig> config = ParseConfig(toml, "example");
  REQUIRE(config.ok());
  const DaemonConfig defaults;
  CHECK(config->server.listen == defaults.server.listen);
  CHECK(config->anchoring.yearly_nv_write_budget == defaults.anchoring.yearly_nv_write_budget);
  CHECK(config->recovery.rollback_clear_approvals == defaults.recovery.rollback_clear_approvals);
  CHECK(config->hsm.pin_file == defaults.hsm.pin_file);
}

TEST_CASE("AlertKeysAreApplied", "[config]") {
  absl::StatusOr<DaemonConfig> config = ParseConfig(R"(
[alerts]
webhook_url = "https://127.0.0.1:9443/alerts"
webhook_secret_file = "/etc/breakglass/webhook.secret"
webhook_events = "request,release"
release_gate = "continue_after_timeout"
release_gate_attempts = 3
[incident_check]
url = "https://incidents.example/check"
secret_file = "/etc/breakglass/incident.secret"
)",
                                                    "test.toml");
  REQUIRE(config.ok());
  CHECK(config->alerts.webhook_url == "https://127.0.0.1:9443/alerts");
  CHECK(config->alerts.webhook_events == "request,release");
  CHECK(config->alerts.release_gate == "continue_after_timeout");
  CHECK(config->alerts.release_gate_attempts == 3);
  CHECK(config->incident_check.url == "https://incidents.example/check");
  CHECK(CheckCrossKeys(*config).ok());
}

TEST_CASE("BadAlertValuesAreNamedWithWhatIsExpected", "[config]") {
  CHECK(Contains(ErrorOf("[alerts]\nwebhook_url = \"http://x/\"\n"),
                 "alerts.webhook_url: expected an https:// URL"));
  CHECK(Contains(ErrorOf("[alerts]\nrelease_gate = \"maybe\"\n"),
                 "alerts.release_gate: expected one of \"require\""));
  CHECK(Contains(ErrorOf("[alerts]\nsyslog_address = \"tcp:x:1\"\n"),
                 "alerts.syslog_address: expected \"unix:/dev/log\""));
  CHECK(Contains(ErrorOf("[alerts]\nwebhook_events = \"Request\"\n"),
                 "alerts.webhook_events: expected comma-separated event types"));
}

TEST_CASE("TheReleaseGateNeedsASinkAndASinkNeedsItsSecret", "[config]") {
  auto check = [](const std::string& toml) {
    absl::StatusOr<DaemonConfig> config = ParseConfig(toml, "test.toml");
    REQUIRE(config.ok());
    return CheckCrossKeys(*config);
  };
  const absl::Status defaults = check("");
  CHECK(absl::IsInvalidArgument(defaults));
  CHECK(Contains(std::string(defaults.message()),
                 "alerts.release_gate: alert before release is \"require\" but no alert sink"));
  CHECK(check("[alerts]\nrelease_gate = \"off\"\n").ok());
  CHECK(check("[alerts]\nsyslog_address = \"unix:/dev/log\"\n").ok());
  CHECK(Contains(std::string(check("[alerts]\nwebhook_url = \"https://h/\"\n").message()),
                 "alerts.webhook_secret_file: a webhook needs a secret file"));
  CHECK(Contains(std::string(check("[alerts]\nrelease_gate = \"off\"\n"
                                   "[incident_check]\nurl = \"https://h/\"\n")
                                 .message()),
                 "incident_check.secret_file: an incident check needs a secret file"));
}

TEST_CASE("TheCheckedInExampleIsTheGeneratedOne", "[config]") {
  const char* root = std::getenv("BREAKGLASS_SOURCE_DIR");
  REQUIRE(root != nullptr);
  std::ifstream in(std::string(root) + "/api/breakglassd/breakglassd.example.toml");
  std::ostringstream text;
  text << in.rdbuf();
  INFO(
      "regenerate with: breakglassd --print-example-config > "
      "api/breakglassd/breakglassd.example.toml");
  CHECK(text.str() == ExampleConfig());
}

TEST_CASE("AMissingFileIsNotFoundNamingThePath", "[config]") {
  absl::StatusOr<DaemonConfig> config = LoadConfig("/nonexistent/breakglassd.toml");
  REQUIRE(absl::IsNotFound(config.status()));
  CHECK(Contains(std::string(config.status().message()), "/nonexistent/breakglassd.toml"));
}

}  // namespace
}  // namespace breakglass::api
