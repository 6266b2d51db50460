#include "api/breakglassd/config.h"

#include <arpa/inet.h>

#include <cctype>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace breakglass::api {
namespace {

// Checks a string value; returns "" when fine, else what is wrong.
using StringCheck = std::string (*)(const std::string& value);

struct Field {
  std::string_view key;  // "section.name"
  std::string_view doc;  // one comment line per '\n'-separated line
  std::string* (*str)(DaemonConfig&) = nullptr;
  int64_t* (*num)(DaemonConfig&) = nullptr;
  StringCheck check = nullptr;
  int64_t min = 0;
  int64_t max = 0;
};

std::string HostPort(const std::string& v) {
  const size_t colon = v.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(v.substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return "expected host:port, e.g. \"127.0.0.1:8443\"";
  }
  std::string host = v.substr(0, colon);
  unsigned char buf[16];
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    if (inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), buf) == 1) return "";
  } else if (inet_pton(AF_INET, host.c_str(), buf) == 1) {
    return "";
  }
  return "the host must be an IP address (\"127.0.0.1\" or \"[::1]\"), not a name";
}

std::string AbsolutePath(const std::string& v) {
  return !v.empty() && v[0] == '/' ? "" : "expected an absolute path";
}

std::string OptionalAbsolutePath(const std::string& v) {
  return v.empty() ? "" : AbsolutePath(v);
}

std::string IdentityName(const std::string& v) {
  if (v.empty()) return "";
  bool ok = v.size() <= 64 && std::isalnum(static_cast<unsigned char>(v[0]));
  for (char c : v) {
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' ||
                c == '@' || c == '-');
  }
  return ok ? "" : "expected an identity name (1-64 of A-Z a-z 0-9 . _ @ -) or \"\"";
}

std::string Tcti(const std::string& v) {
  if (v.empty()) return "expected a TCTI string, e.g. \"device:/dev/tpmrm0\"";
  for (char c : v) {
    if (std::isspace(static_cast<unsigned char>(c))) return "a TCTI string has no spaces";
  }
  return "";
}

std::string KeystoreKind(const std::string& v) {
  return v == "pkcs11" || v == "tpm" ? "" : "expected \"pkcs11\" or \"tpm\"";
}

std::string LogLevel(const std::string& v) {
  for (const char* level : {"trace", "debug", "info", "warn", "error"}) {
    if (v == level) return "";
  }
  return "expected one of \"trace\", \"debug\", \"info\", \"warn\", \"error\"";
}

std::string OptionalHttpsUrl(const std::string& v) {
  if (v.empty() || (v.rfind("https://", 0) == 0 && v.size() > 8)) return "";
  return "expected an https:// URL or \"\"";
}

std::string EventList(const std::string& v) {
  for (char c : v) {
    if (!std::islower(static_cast<unsigned char>(c)) && c != '_' && c != ',') {
      return "expected comma-separated event types, e.g. \"request,release,fetch\", or \"\"";
    }
  }
  return "";
}

std::string SyslogAddress(const std::string& v) {
  if (v.empty() || v.rfind("unix:/", 0) == 0 || v.rfind("udp:", 0) == 0) return "";
  return "expected \"unix:/dev/log\", \"udp:HOST:PORT\" or \"\"";
}

std::string GateMode(const std::string& v) {
  for (const char* mode : {"require", "continue_after_timeout", "off"}) {
    if (v == mode) return "";
  }
  return "expected one of \"require\", \"continue_after_timeout\", \"off\"";
}

#define BG_STR(section, name) [](DaemonConfig& c) { return &c.section.name; }

const std::vector<Field>& Schema() {
  static const std::vector<Field> kSchema = {
      {"server.listen",
       "Address the gRPC API listens on (TLS 1.3, client certificates required).\n"
       "An IP address and a port; port 0 picks a free port (see port_file).",
       BG_STR(server, listen), nullptr, HostPort},
      {"server.port_file", "When set, the bound port is written to this file once serving.",
       BG_STR(server, port_file), nullptr, OptionalAbsolutePath},
      {"server.bootstrap_operator",
       "Identity name (client certificate CN) that always holds the operator role, so that a\n"
       "fresh appliance can be provisioned before any identity is stored. \"\" = none.",
       BG_STR(server, bootstrap_operator), nullptr, IdentityName},
      {"server.max_request_bytes", "Largest request message accepted (bytes).", nullptr,
       BG_STR(server, max_request_bytes), nullptr, 4096, 64 << 20},
      {"server.max_threads", "Most threads serving calls at once.", nullptr,
       BG_STR(server, max_threads), nullptr, 4, 1024},
      {"server.max_watchers", "Most open Watch streams (events and health) at once.", nullptr,
       BG_STR(server, max_watchers), nullptr, 1, 1024},
      {"server.drain_timeout_seconds",
       "On SIGTERM/SIGINT: seconds in-flight calls get to finish before they are cancelled.",
       nullptr, BG_STR(server, drain_timeout_seconds), nullptr, 0, 600},
      {"tls.cert", "Server certificate chain (PEM), leaf first.", BG_STR(tls, cert), nullptr,
       AbsolutePath},
      {"tls.key", "Server private key (PEM, unencrypted; mode 0600).", BG_STR(tls, key), nullptr,
       AbsolutePath},
      {"tls.client_ca", "CA certificate(s) (PEM) that issue client certificates.",
       BG_STR(tls, client_ca), nullptr, AbsolutePath},
      {"storage.state_dir", "Directory for the appliance's state (created 0700 if missing).",
       BG_STR(storage, state_dir), nullptr, AbsolutePath},
      {"storage.sqlite_path",
       "SQLite database (WAL, synchronous=FULL). \"\" = <state_dir>/breakglass.db.",
       BG_STR(storage, sqlite_path), nullptr, OptionalAbsolutePath},
      {"hsm.pin_file",
       "File holding the user PIN of the appliance's PKCS#11 token (mode 0600; never logged).\n"
       "The module, token and key labels are in the firmware profile.",
       BG_STR(hsm, pin_file), nullptr, AbsolutePath},
      {"tpm.tcti",
       "TPM TCTI string: \"device:/dev/tpmrm0\", or \"swtpm:host=127.0.0.1,port=2321\".",
       BG_STR(tpm, tcti), nullptr, Tcti},
      {"firmware.profile",
       "Firmware profile (firmware-config/*.toml): PKCS#11 module, token and key labels,\n"
       "TPM NV indices and write secrets, AK handle, PCR policy.",
       BG_STR(firmware, profile), nullptr, AbsolutePath},
      {"keystore.kind",
       "Where Shamir shares are sealed. \"pkcs11\": the AES-256 key [hsm.keys] share_seal on\n"
       "the PKCS#11 token. \"tpm\": TPM sealed-data objects under the SRK [tpm.srk], bound\n"
       "to the PCR policy [tpm.pcr_policy] of the firmware profile. The audit log's key\n"
       "stays on the token either way. `breakglass init` creates only what this kind needs,\n"
       "so the kind is fixed at init: the other kind finds no key and refuses to start.",
       BG_STR(keystore, kind), nullptr, KeystoreKind},
      {"anchoring.min_increment_interval_ms",
       "Least time between two TPM counter increments (NV wear); waiting anchors are\n"
       "group-committed into the next one.",
       nullptr, BG_STR(anchoring, min_increment_interval_ms), nullptr, 0, 3600000},
      {"anchoring.routine_max_age_seconds",
       "Routine events (reads, failed logins) are anchored at the latest after this age.", nullptr,
       BG_STR(anchoring, routine_max_age_seconds), nullptr, 1, 86400},
      {"anchoring.yearly_nv_write_budget", "NV writes allowed per year before the alert fires.",
       nullptr, BG_STR(anchoring, yearly_nv_write_budget), nullptr, 1, 1000000000},
      {"anchoring.budget_alert_percent", "Alert when this share of the yearly budget is spent.",
       nullptr, BG_STR(anchoring, budget_alert_percent), nullptr, 1, 100},
      {"alerts.webhook_url",
       "HTTPS URL that receives each alert as a signed JSON POST (README \"Alerts\").\n"
       "\"\" = no webhook sink.",
       BG_STR(alerts, webhook_url), nullptr, OptionalHttpsUrl},
      {"alerts.webhook_secret_file",
       "File holding the webhook's HMAC secret (at least 16 bytes; mode 0600; never logged).",
       BG_STR(alerts, webhook_secret_file), nullptr, OptionalAbsolutePath},
      {"alerts.webhook_ca_file",
       "CA certificate(s) (PEM) for the webhook's server certificate. \"\" = the system store.",
       BG_STR(alerts, webhook_ca_file), nullptr, OptionalAbsolutePath},
      {"alerts.webhook_connect_timeout_ms", "Time allowed to connect to the webhook.", nullptr,
       BG_STR(alerts, webhook_connect_timeout_ms), nullptr, 100, 60000},
      {"alerts.webhook_timeout_ms", "Time allowed for a whole webhook delivery.", nullptr,
       BG_STR(alerts, webhook_timeout_ms), nullptr, 100, 300000},
      {"alerts.webhook_events",
       "Event types sent to the webhook, comma-separated. \"\" = every type that alerts by\n"
       "default (request, approval, denial, release, fetch, ...).",
       BG_STR(alerts, webhook_events), nullptr, EventList},
      {"alerts.syslog_address",
       "Syslog target (RFC 5424): \"unix:/dev/log\" or \"udp:HOST:PORT\". \"\" = no syslog sink.",
       BG_STR(alerts, syslog_address), nullptr, SyslogAddress},
      {"alerts.syslog_facility", "Syslog facility (10 = authpriv).", nullptr,
       BG_STR(alerts, syslog_facility), nullptr, 0, 23},
      {"alerts.syslog_events", "Event types sent to syslog, as alerts.webhook_events.",
       BG_STR(alerts, syslog_events), nullptr, EventList},
      {"alerts.retry_initial_backoff_ms",
       "First delay before a failed delivery is retried; it doubles up to the maximum\n"
       "(with full jitter).",
       nullptr, BG_STR(alerts, retry_initial_backoff_ms), nullptr, 1, 3600000},
      {"alerts.retry_max_backoff_seconds", "Longest delay between two delivery attempts.", nullptr,
       BG_STR(alerts, retry_max_backoff_seconds), nullptr, 1, 86400},
      {"alerts.retry_max_attempts", "Attempts per alert and sink before giving up; 0 = no limit.",
       nullptr, BG_STR(alerts, retry_max_attempts), nullptr, 0, 1000000},
      {"alerts.retry_give_up_after_seconds",
       "Age after which an undelivered alert is given up (an audit event says so).", nullptr,
       BG_STR(alerts, retry_give_up_after_seconds), nullptr, 1, 31536000},
      {"alerts.release_gate",
       "Alert before release: \"require\" = a release waits until a sink has accepted its\n"
       "release_pending alert, else it is refused; \"continue_after_timeout\" = it goes ahead\n"
       "after the timeout, logged and alerted; \"off\". With \"require\" or\n"
       "\"continue_after_timeout\", a webhook or syslog sink must be configured.",
       BG_STR(alerts, release_gate), nullptr, GateMode},
      {"alerts.release_gate_timeout_seconds", "How long a release waits for a sink to accept.",
       nullptr, BG_STR(alerts, release_gate_timeout_seconds), nullptr, 1, 3600},
      {"alerts.release_gate_attempts", "Rounds over all sinks before the release gate gives up.",
       nullptr, BG_STR(alerts, release_gate_attempts), nullptr, 1, 1000},
      {"alerts.release_gate_retry_interval_ms", "Pause between two rounds of the release gate.",
       nullptr, BG_STR(alerts, release_gate_retry_interval_ms), nullptr, 0, 600000},
      {"incident_check.url",
       "HTTPS URL asked whether a request's incident exists and is open (README \"Incident\n"
       "check\"); a request is refused unless it answers \"open\". \"\" = no check.",
       BG_STR(incident_check, url), nullptr, OptionalHttpsUrl},
      {"incident_check.secret_file", "File holding the incident check's HMAC secret (mode 0600).",
       BG_STR(incident_check, secret_file), nullptr, OptionalAbsolutePath},
      {"incident_check.ca_file",
       "CA certificate(s) (PEM) for the checker's server certificate. \"\" = the system store.",
       BG_STR(incident_check, ca_file), nullptr, OptionalAbsolutePath},
      {"incident_check.timeout_ms", "Time allowed for the incident check's answer.", nullptr,
       BG_STR(incident_check, timeout_ms), nullptr, 100, 60000},
      {"maintenance.interval_seconds",
       "Seconds between two rounds of the periodic tasks (the first runs at start-up):\n"
       "pending requests past their approval window become expired, unfetched releases\n"
       "past their use window are dropped, each with its audit event. A request can thus\n"
       "stay pending up to this long after its window closed (no approval counts then).",
       nullptr, BG_STR(maintenance, interval_seconds), nullptr, 1, 3600},
      {"recovery.rollback_clear_approvals",
       "Distinct active custodians who must sign the rollback clear before breakglassd,\n"
       "started with --recover-rollback after its start-up check found the state behind or\n"
       "ahead of the TPM counters, records the clear and serves again. --recover-rollback\n"
       "refuses to start when fewer active custodians (with a registered key) exist.",
       nullptr, BG_STR(recovery, rollback_clear_approvals), nullptr, 1, 64},
      {"logging.level", "Log level: trace, debug, info, warn or error. Secrets are never logged.",
       BG_STR(logging, level), nullptr, LogLevel},
  };
  return kSchema;
}

#undef BG_STR

std::string_view SectionOf(std::string_view key) { return key.substr(0, key.find('.')); }

std::string Sections() {
  std::vector<std::string> sections;
  for (const Field& f : Schema()) {
    const std::string section(SectionOf(f.key));
    if (sections.empty() || sections.back() != section) sections.push_back(section);
  }
  return absl::StrJoin(sections, ", ");
}

std::vector<std::string> KeysIn(std::string_view section) {
  std::vector<std::string> keys;
  for (const Field& f : Schema()) {
    if (SectionOf(f.key) == section) keys.emplace_back(f.key.substr(section.size() + 1));
  }
  return keys;
}

const Field* FindField(std::string_view key) {
  for (const Field& f : Schema()) {
    if (f.key == key) return &f;
  }
  return nullptr;
}

absl::Status Error(std::string_view source, const toml::node& node, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(std::string(source), ":",
                                                 node.source().begin.line, ": ",
                                                 std::string(what)));
}

absl::Status Apply(const Field& f, const toml::node& node, std::string_view source,
                   DaemonConfig& config) {
  const std::string key(f.key);
  if (f.str != nullptr) {
    const auto* value = node.as_string();
    if (value == nullptr) return Error(source, node, key + ": expected a string");
    const std::string problem = f.check(value->get());
    if (!problem.empty()) return Error(source, node, absl::StrCat(key, ": ", problem));
    *f.str(config) = value->get();
    return absl::OkStatus();
  }
  const auto* value = node.as_integer();
  if (value == nullptr) return Error(source, node, key + ": expected an integer");
  if (value->get() < f.min || value->get() > f.max) {
    return Error(source, node,
                 absl::StrCat(key, ": ", value->get(), " is out of range ", f.min, "..", f.max));
  }
  *f.num(config) = value->get();
  return absl::OkStatus();
}

absl::Status ApplySection(std::string_view section, const toml::table& table,
                          std::string_view source, DaemonConfig& config) {
  for (const auto& [name, node] : table) {
    const std::string key = absl::StrCat(std::string(section), ".", std::string(name.str()));
    const Field* field = FindField(key);
    if (field == nullptr) {
      return Error(source, node,
                   absl::StrCat("unknown key '", key, "'; valid keys in [", std::string(section),
                                "]: ", absl::StrJoin(KeysIn(section), ", ")));
    }
    absl::Status applied = Apply(*field, node, source, config);
    if (!applied.ok()) return applied;
  }
  return absl::OkStatus();
}

std::string QuoteToml(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::filesystem::path DaemonConfig::SqlitePath() const {
  if (!storage.sqlite_path.empty()) return storage.sqlite_path;
  return std::filesystem::path(storage.state_dir) / "breakglass.db";
}

absl::StatusOr<DaemonConfig> ParseConfig(std::string_view toml_text, std::string_view source) {
  toml::table root;
  try {  // toml++ (Debian's shared build) reports parse errors only as exceptions
    root = toml::parse(toml_text, std::string(source));
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(source), ":",
                                                   e.source().begin.line, ": ",
                                                   std::string(e.description())));
  }
  DaemonConfig config;
  for (const auto& [name, node] : root) {
    const std::string section(name.str());
    if (KeysIn(section).empty()) {
      return Error(source, node,
                   absl::StrCat("unknown key '", section, "'; valid sections: ", Sections()));
    }
    if (!node.is_table()) return Error(source, node, "[" + section + "] must be a table");
    absl::Status applied = ApplySection(section, *node.as_table(), source, config);
    if (!applied.ok()) return applied;
  }
  return config;
}

absl::Status CheckCrossKeys(const DaemonConfig& config) {
  const DaemonConfig::Alerts& a = config.alerts;
  if (!a.webhook_url.empty() && a.webhook_secret_file.empty()) {
    return absl::InvalidArgumentError(
        "alerts.webhook_secret_file: a webhook needs a secret file (alerts.webhook_url is set)");
  }
  if (!config.incident_check.url.empty() && config.incident_check.secret_file.empty()) {
    return absl::InvalidArgumentError(
        "incident_check.secret_file: an incident check needs a secret file "
        "(incident_check.url is set)");
  }
  if (a.release_gate != "off" && a.webhook_url.empty() && a.syslog_address.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "alerts.release_gate: alert before release is \"", a.release_gate,
        "\" but no alert sink is configured; set alerts.webhook_url or alerts.syslog_address, "
        "or set alerts.release_gate = \"off\""));
  }
  return absl::OkStatus();
}

absl::StatusOr<DaemonConfig> LoadConfig(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("cannot read config file ", path.string(),
                     "; pass --config FILE (see breakglassd --print-example-config)"));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return ParseConfig(text.str(), path.string());
}

std::string ExampleConfig() {
  DaemonConfig defaults;
  std::string out =
      "# breakglassd configuration (TOML). Generated by `breakglassd --print-example-config`.\n"
      "# Every key is optional; each is shown commented out with its default value.\n"
      "# An unknown key or a bad value stops breakglassd at start, naming the key.\n";
  std::string_view section;
  for (const Field& f : Schema()) {
    if (SectionOf(f.key) != section) {
      section = SectionOf(f.key);
      absl::StrAppend(&out, "\n[", std::string(section), "]\n");
    }
    for (absl::string_view line : absl::StrSplit(std::string(f.doc), '\n')) {
      absl::StrAppend(&out, "# ", std::string(line), "\n");
    }
    const std::string value = f.str != nullptr ? QuoteToml(*f.str(defaults))
                                               : std::to_string(*f.num(defaults));
    absl::StrAppend(&out, "# ", std::string(f.key.substr(section.size() + 1)), " = ", value,
                    "\n");
  }
  return out;
}

}  // namespace breakglass::api
