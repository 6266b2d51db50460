#include "vault/alerts/syslog_sink.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "vault/alerts/webhook_sink.h"
#include "vault/base/status.h"

namespace breakglass::alerts {
namespace {

class Fd final {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

int SyslogSeverity(Severity s) {
  switch (s) {
    case Severity::kCritical: return 2;
    case Severity::kWarning: return 4;
    case Severity::kInfo: break;
  }
  return 6;
}

std::string SdEscape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '"' || c == '\\' || c == ']') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// Printable US-ASCII without spaces, at most `max` characters, or "-".
std::string Token(const std::string& v, size_t max) {
  std::string out;
  for (char c : v.substr(0, max)) out.push_back(c > 32 && c < 127 ? c : '_');
  return out.empty() ? "-" : out;
}

std::string Member(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

// Splits "udp:host:port" into host and port ("[v6]" brackets removed).
bool SplitHostPort(const std::string& rest, std::string& host, std::string& port) {
  const size_t colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size()) return false;
  host = rest.substr(0, colon);
  port = rest.substr(colon + 1);
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return !host.empty();
}

absl::Status SendUnix(const std::string& path, const std::string& msg) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) return absl::InvalidArgumentError("path too long");
  std::memcpy(addr.sun_path, path.data(), path.size());
  Fd fd(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0 || sendto(fd.get(), msg.data(), msg.size(), MSG_NOSIGNAL,
                             reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) < 0) {
    return absl::UnavailableError(std::strerror(errno));
  }
  return absl::OkStatus();
}

absl::Status SendUdp(const std::string& host, const std::string& port, const std::string& msg) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0 || res == nullptr) {
    return absl::UnavailableError("cannot resolve the address");
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(res, &freeaddrinfo);
  Fd fd(socket(res->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0 || connect(fd.get(), res->ai_addr, res->ai_addrlen) != 0 ||
      send(fd.get(), msg.data(), msg.size(), MSG_NOSIGNAL) < 0) {
    return absl::UnavailableError(std::strerror(errno));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<SyslogSink>> SyslogSink::Create(SyslogOptions options) {
  BG_RETURN_IF_ERROR(CheckSinkName(options.name));
  std::string host, port;
  const std::string& a = options.address;
  const bool ok = (absl::StartsWith(a, "unix:/") && a.size() > 6) ||
                  (absl::StartsWith(a, "udp:") && SplitHostPort(a.substr(4), host, port));
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        "syslog ", options.name, ": address '", a, "' must be unix:/path or udp:host:port"));
  }
  if (options.facility < 0 || options.facility > 23) {
    return absl::InvalidArgumentError(
        absl::StrCat("syslog ", options.name, ": facility must be 0..23"));
  }
  if (options.hostname.empty()) {
    char buf[256] = {0};
    options.hostname = gethostname(buf, sizeof(buf) - 1) == 0 ? buf : "-";
  }
  return std::unique_ptr<SyslogSink>(new SyslogSink(std::move(options)));
}

std::string SyslogSink::Format(const Alert& alert) const {
  const nlohmann::json j = nlohmann::json::parse(alert.body, nullptr, false);
  const int64_t ms = j.is_object() && j.contains("time_unix_ms") && j["time_unix_ms"].is_number()
                         ? j["time_unix_ms"].get<int64_t>() : 0;
  const std::string ts = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMillis(ms),
                                          absl::UTCTimeZone());
  std::string sd = absl::StrCat("[breakglass@32473 id=\"", SdEscape(alert.id), "\" event_type=\"",
                                SdEscape(alert.event_type), "\" severity=\"",
                                std::string(SeverityName(alert.severity)), "\"");
  for (const char* key : {"request", "incident", "credential"}) {
    absl::StrAppend(&sd, " ", key, "=\"", SdEscape(Member(j, key)), "\"");
  }
  sd.push_back(']');
  return absl::StrCat("<", options_.facility * 8 + SyslogSeverity(alert.severity), ">1 ", ts, " ",
                      Token(options_.hostname, 255), " breakglassd ", getpid(), " ",
                      Token(alert.event_type, 32), " ", sd, " \xEF\xBB\xBF", Member(j, "summary"));
}

absl::Status SyslogSink::Deliver(const Alert& alert) {
  const std::string msg = Format(alert);
  const std::string& a = options_.address;
  absl::Status sent;
  if (absl::StartsWith(a, "unix:")) {
    sent = SendUnix(a.substr(5), msg);
  } else {
    std::string host, port;
    SplitHostPort(a.substr(4), host, port);
    sent = SendUdp(host, port, msg);
  }
  return base::Annotate(sent, absl::StrCat("syslog ", options_.name, " (", a, ")"));
}

}  // namespace breakglass::alerts
