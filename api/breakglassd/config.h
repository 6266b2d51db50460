// breakglassd's configuration (DESIGN.md "Storage and configuration"): a
// TOML file (default /etc/breakglass/breakglassd.toml) read once at start.
//
// The hardware layout (PKCS#11 module and token, key labels, NV indices, AK
// handle, PCR policy) is not here but in the firmware profile that
// `firmware.profile` names (firmware-config/), so that it has one source.
//
// Every field has a documented default; the documentation lives next to
// each field's schema entry in config.cc, and `breakglassd --print-example-config`
// renders it (api/breakglassd/breakglassd.example.toml is that output, and a
// test keeps the two equal). An unknown key, a value of the wrong type or out
// of range stops start-up with an error naming the key and its line.
//
// Thread-safety: value types and pure functions.
#ifndef BREAKGLASS_API_BREAKGLASSD_CONFIG_H_
#define BREAKGLASS_API_BREAKGLASSD_CONFIG_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace breakglass::api {

struct DaemonConfig {
  struct Server {
    std::string listen = "127.0.0.1:8443";
    std::string port_file;
    std::string bootstrap_operator;
    int64_t max_request_bytes = 1 << 20;
    int64_t max_threads = 64;
    int64_t max_watchers = 32;
    int64_t drain_timeout_seconds = 10;
  } server;
  struct Tls {
    std::string cert = "/etc/breakglass/tls/server.crt";
    std::string key = "/etc/breakglass/tls/server.key";
    std::string client_ca = "/etc/breakglass/tls/client-ca.crt";
  } tls;
  struct Storage {
    std::string state_dir = "/var/lib/breakglass";
    std::string sqlite_path;  // empty: <state_dir>/breakglass.db
  } storage;
  struct Hsm {
    std::string pin_file = "/etc/breakglass/hsm.pin";
  } hsm;
  struct Tpm {
    std::string tcti = "device:/dev/tpmrm0";
  } tpm;
  struct Firmware {
    std::string profile = "/etc/breakglass/firmware.toml";
  } firmware;
  struct Keystore {
    std::string kind = "pkcs11";  // "pkcs11" or "tpm": where Shamir shares are sealed
  } keystore;
  struct Anchoring {
    int64_t min_increment_interval_ms = 1000;
    int64_t routine_max_age_seconds = 300;
    int64_t yearly_nv_write_budget = 100000;
    int64_t budget_alert_percent = 80;
  } anchoring;
  // Alert sinks, routing, retries and the release gate (README.md "Alerts";
  // vault/alerts/alert_system.h). Event lists are comma-separated event
  // types; "" routes the default alerting types.
  struct Alerts {
    std::string webhook_url;  // "" = no webhook sink
    std::string webhook_secret_file;
    std::string webhook_ca_file;  // "" = the system trust store
    int64_t webhook_connect_timeout_ms = 5000;
    int64_t webhook_timeout_ms = 10000;
    std::string webhook_events;
    std::string syslog_address;  // "" = no syslog sink
    int64_t syslog_facility = 10;
    std::string syslog_events;
    int64_t retry_initial_backoff_ms = 1000;
    int64_t retry_max_backoff_seconds = 300;
    int64_t retry_max_attempts = 0;  // 0: until retry_give_up_after_seconds
    int64_t retry_give_up_after_seconds = 72 * 3600;
    std::string release_gate = "require";  // "require", "continue_after_timeout", "off"
    int64_t release_gate_timeout_seconds = 30;
    int64_t release_gate_attempts = 5;
    int64_t release_gate_retry_interval_ms = 2000;
  } alerts;
  struct IncidentCheck {
    std::string url;  // "" = no incident check
    std::string secret_file;
    std::string ca_file;
    int64_t timeout_ms = 5000;
  } incident_check;
  struct Maintenance {
    int64_t interval_seconds = 30;
  } maintenance;
  // Leaving the rollback state (breakglassd --recover-rollback; README.md
  // "Rollback recovery").
  struct Recovery {
    int64_t rollback_clear_approvals = 2;
  } recovery;
  struct Logging {
    std::string level = "info";
  } logging;

  // storage.sqlite_path, or <state_dir>/breakglass.db when it is empty.
  std::filesystem::path SqlitePath() const;
};

// Parses TOML text. `source` names it in errors ("/etc/breakglass/x.toml").
// INVALID_ARGUMENT, e.g. "x.toml:3: server.listen: expected host:port ..."
// or "x.toml:7: unknown key 'server.lisen'; valid keys in [server]: ...".
absl::StatusOr<DaemonConfig> ParseConfig(std::string_view toml_text, std::string_view source);

// The checks across keys that a start needs: the release gate (on by
// default) needs an alert sink, a webhook needs its secret file, an incident
// check its secret file. INVALID_ARGUMENT naming the key and what to set.
absl::Status CheckCrossKeys(const DaemonConfig& config);

// Reads and parses a file. NOT_FOUND / PERMISSION_DENIED naming the path when
// it cannot be read; otherwise as ParseConfig.
absl::StatusOr<DaemonConfig> LoadConfig(const std::filesystem::path& path);

// The commented example configuration: every key, its documentation and its
// default (api/breakglassd/breakglassd.example.toml).
std::string ExampleConfig();

}  // namespace breakglass::api

#endif  // BREAKGLASS_API_BREAKGLASSD_CONFIG_H_
