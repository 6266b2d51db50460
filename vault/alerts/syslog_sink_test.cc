#include "vault/alerts/syslog_sink.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <regex>

#include <catch2/catch.hpp>

#include "vault/store/testing/temp_dir.h"

namespace breakglass::alerts {
namespace {

// A bound datagram socket that records what it receives. Test-only.
class DatagramReceiver {
 public:
  static DatagramReceiver Udp() {
    DatagramReceiver r(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    REQUIRE(bind(r.fd_, reinterpret_cast<sockaddr*>(&a), len) == 0);
    REQUIRE(getsockname(r.fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    r.address_ = "udp:127.0.0.1:" + std::to_string(ntohs(a.sin_port));
    return r;
  }
  static DatagramReceiver Unix(const std::string& path) {
    DatagramReceiver r(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::memcpy(a.sun_path, path.data(), path.size());
    REQUIRE(bind(r.fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0);
    r.address_ = "unix:" + path;
    return r;
  }
  DatagramReceiver(DatagramReceiver&& o) noexcept : fd_(o.fd_), address_(o.address_) { o.fd_ = -1; }
  ~DatagramReceiver() {
    if (fd_ >= 0) close(fd_);
  }
  // The next datagram ("" if none arrives within 10 s).
  std::string Next() {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 10'000) != 1) return "";
    char buf[8192];
    const ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
  }
  const std::string& address() const { return address_; }

 private:
  explicit DatagramReceiver(int fd) : fd_(fd) { REQUIRE(fd_ >= 0); }
  int fd_;
  std::string address_;
};

Alert ReleaseAlert() {
  core::VaultEvent e;
  e.type = "release";
  e.subject = "req-7";
  e.incident = "INC-\"9]";
  e.time = absl::FromUnixMillis(1'800'000'000'250);
  e.fields.Set("credential", "db-root");
  auto a = BuildAlert(e, std::string(32, 'c'));
  REQUIRE(a.ok());
  return *a;
}

const std::regex kRfc5424(
    R"(<(\d+)>1 (\S+) (\S+) breakglassd (\d+) (\S+) \[breakglass@32473 ([^\]]|\\\])*\] \xEF\xBB\xBF(.*))");

TEST_CASE("SyslogSendsRfc5424WithStructuredDataOverUdp", "[alerts]") {
  auto receiver = DatagramReceiver::Udp();
  auto sink = SyslogSink::Create({"syslog", receiver.address(), 10, "vault1"});
  REQUIRE(sink.ok());
  REQUIRE((*sink)->Deliver(ReleaseAlert()).ok());
  const std::string msg = receiver.Next();
  std::smatch m;
  REQUIRE(std::regex_match(msg, m, kRfc5424));
  CHECK(m[1] == "82");  // authpriv (10) * 8 + crit (2)
  CHECK(m[2] == "2027-01-15T08:00:00.250Z");
  CHECK(m[3] == "vault1");
  CHECK(m[5] == "release");
  CHECK(msg.find(R"(id="cccccccccccccccccccccccccccccccc")") != std::string::npos);
  CHECK(msg.find(R"(incident="INC-\"9\]")") != std::string::npos);  // escaped
  CHECK(msg.find(R"(request="req-7")") != std::string::npos);
  CHECK(m[7].str().find("release") == 0);
}

TEST_CASE("SyslogSendsToAUnixSocketAndReportsAMissingListener", "[alerts]") {
  store::testing::TempDir dir;
  {
    auto receiver = DatagramReceiver::Unix(dir.File("log"));
    auto sink = SyslogSink::Create({"local", receiver.address(), 4, "h"});
    REQUIRE(sink.ok());
    REQUIRE((*sink)->Deliver(ReleaseAlert()).ok());
    CHECK(std::regex_match(receiver.Next(), kRfc5424));
  }
  auto sink = SyslogSink::Create({"local", "unix:" + dir.File("nobody"), 4, "h"});
  REQUIRE(sink.ok());
  absl::Status s = (*sink)->Deliver(ReleaseAlert());
  CHECK(s.code() == absl::StatusCode::kUnavailable);
  CHECK(s.message().find("syslog local") != absl::string_view::npos);
}

TEST_CASE("SyslogRefusesBadAddressesAndFacilities", "[alerts]") {
  CHECK(!SyslogSink::Create({"s", "tcp:1.2.3.4:514", 10, ""}).ok());
  CHECK(!SyslogSink::Create({"s", "udp:127.0.0.1", 10, ""}).ok());
  CHECK(!SyslogSink::Create({"s", "unix:/dev/log", 24, ""}).ok());
  CHECK(SyslogSink::Create({"s", "udp:[::1]:514", 23, ""}).ok());
}

}  // namespace
}  // namespace breakglass::alerts
