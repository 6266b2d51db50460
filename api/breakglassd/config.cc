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

std::string LogLevel(const std::string& v) {
  for (const char* level : {"trace", "debug", "info", "warn", "error"}) {
    if (v == level) return "";
  }
  return "expected one of \"trace\", \"debug\", \"info\", \"warn\", \"error\"";
}

#define BG_STR(section, name) [](DaemonConfig& c) { return &c.section.name; }

const std::vector<Field>& Schema() {
  static const std::vector<Field> kSchema = {
      {"server.listen", "Address the gRPC API listens on (TLS 1.3, client certificates required).\n"
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
      {"storage.sqlite_path", "SQLite database (WAL, synchronous=FULL). \"\" = <state_dir>/breakglass.db.",
       BG_STR(storage, sqlite_path), nullptr, OptionalAbsolutePath},
      {"hsm.pin_file",
       "File holding the user PIN of the appliance's PKCS#11 token (mode 0600; never logged).\n"
       "The module, token and key labels are in the firmware profile.",
       BG_STR(hsm, pin_file), nullptr, AbsolutePath},
      {"tpm.tcti", "TPM TCTI string: \"device:/dev/tpmrm0\", or \"swtpm:host=127.0.0.1,port=2321\".",
       BG_STR(tpm, tcti), nullptr, Tcti},
      {"firmware.profile",
       "Firmware profile (firmware-config/*.toml): PKCS#11 module, token and key labels,\n"
       "TPM NV indices and write secrets, AK handle, PCR policy.",
       BG_STR(firmware, profile), nullptr, AbsolutePath},
      {"anchoring.min_increment_interval_ms",
       "Least time between two TPM counter increments (NV wear); waiting anchors are\n"
       "group-committed into the next one.",
       nullptr, BG_STR(anchoring, min_increment_interval_ms), nullptr, 0, 3600000},
      {"anchoring.routine_max_age_seconds",
       "Routine events (reads, failed logins) are anchored at the latest after this age.",
       nullptr, BG_STR(anchoring, routine_max_age_seconds), nullptr, 1, 86400},
      {"anchoring.yearly_nv_write_budget", "NV writes allowed per year before the alert fires.",
       nullptr, BG_STR(anchoring, yearly_nv_write_budget), nullptr, 1, 1000000000},
      {"anchoring.budget_alert_percent", "Alert when this share of the yearly budget is spent.",
       nullptr, BG_STR(anchoring, budget_alert_percent), nullptr, 1, 100},
      {"logging.level", "Log level: trace, debug, info, warn or error. Secrets are never logged.",
       BG_STR(logging, level), nullptr, LogLevel},
  };
  return kSchema;
}

#undef BG_STR

std::string_view SectionOf(std::string_view key) { return key.substr(0, key.find('.')); }

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
                   absl::StrCat("unknown key '", section, "'; valid sections: server, tls, "
                                "storage, hsm, tpm, firmware, anchoring, logging"));
    }
    if (!node.is_table()) return Error(source, node, "[" + section + "] must be a table");
    absl::Status applied = ApplySection(section, *node.as_table(), source, config);
    if (!applied.ok()) return applied;
  }
  return config;
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
