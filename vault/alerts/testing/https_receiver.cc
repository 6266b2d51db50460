#include "vault/alerts/testing/https_receiver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

namespace breakglass::alerts::testing {
namespace {

constexpr size_t kMaxRequest = 1 << 20;

absl::Status LoadIdentity(SSL_CTX* ctx, const TestPki& pki) {
  std::unique_ptr<BIO, decltype(&BIO_free)> cb(
      BIO_new_mem_buf(pki.server_cert_pem.data(), static_cast<int>(pki.server_cert_pem.size())),
      &BIO_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> kb(
      BIO_new_mem_buf(pki.server_key_pem.data(), static_cast<int>(pki.server_key_pem.size())),
      &BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(cb.get(), nullptr, nullptr, nullptr), &X509_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(kb.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  if (!cert || !key || SSL_CTX_use_certificate(ctx, cert.get()) != 1 ||
      SSL_CTX_use_PrivateKey(ctx, key.get()) != 1) {
    return absl::InternalError("https receiver: cannot load the server certificate");
  }
  return absl::OkStatus();
}

// Parses "METHOD path HTTP/1.1\r\nName: value\r\n...". False if malformed.
bool ParseHead(absl::string_view head, ReceivedRequest& r, size_t& content_length) {
  std::vector<absl::string_view> lines = absl::StrSplit(head, "\r\n");
  std::vector<absl::string_view> first = absl::StrSplit(lines[0], ' ');
  if (first.size() != 3) return false;
  r.method = std::string(first[0]);
  r.path = std::string(first[1]);
  content_length = 0;
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == absl::string_view::npos) continue;
    std::string name(lines[i].substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    const std::string value(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
    if (name == "content-length" && !absl::SimpleAtoi(value, &content_length)) return false;
    r.headers[name] = value;
  }
  return content_length <= kMaxRequest;
}

// Reads one request from `ssl`. False on a transport or parse error.
bool ReadRequest(SSL* ssl, ReceivedRequest& r) {
  std::string data;
  char buf[4096];
  size_t head_end = std::string::npos, length = 0;
  while (true) {
    if (head_end == std::string::npos) {
      head_end = data.find("\r\n\r\n");
      if (head_end != std::string::npos &&
          !ParseHead(absl::string_view(data).substr(0, head_end), r, length)) {
        return false;
      }
    }
    if (head_end != std::string::npos && data.size() >= head_end + 4 + length) break;
    const int n = SSL_read(ssl, buf, sizeof(buf));
    if (n <= 0 || data.size() > kMaxRequest) return false;
    data.append(buf, static_cast<size_t>(n));
  }
  r.body = data.substr(head_end + 4, length);
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpsReceiver>> HttpsReceiver::Start(const TestPki& pki, int port) {
  std::unique_ptr<HttpsReceiver> r(new HttpsReceiver());
  r->port_ = port;
  r->ctx_ = SSL_CTX_new(TLS_server_method());
  if (r->ctx_ == nullptr) return absl::InternalError("https receiver: SSL_CTX_new failed");
  SSL_CTX_set_min_proto_version(r->ctx_, TLS1_2_VERSION);
  if (absl::Status s = LoadIdentity(r->ctx_, pki); !s.ok()) return s;
  if (absl::Status s = r->Listen(); !s.ok()) return s;
  r->thread_ = std::thread([p = r.get()] { p->Serve(); });
  return r;
}

HttpsReceiver::~HttpsReceiver() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  GoDown();
  if (ctx_ != nullptr) SSL_CTX_free(ctx_);
}

absl::Status HttpsReceiver::Listen() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  socklen_t len = sizeof(addr);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(fd, 16) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) close(fd);
    return absl::InternalError(absl::StrCat("https receiver: cannot listen on port ", port_));
  }
  port_ = ntohs(addr.sin_port);
  absl::MutexLock lock(&mu_);
  listen_fd_ = fd;
  return absl::OkStatus();
}

std::string HttpsReceiver::Url(const std::string& path) const {
  return absl::StrCat("https://127.0.0.1:", port_, path);
}

void HttpsReceiver::SetHandler(Handler handler) {
  absl::MutexLock lock(&mu_);
  handler_ = std::move(handler);
}

void HttpsReceiver::SetStatus(int status) {
  SetHandler([status](const ReceivedRequest&) { return Reply{status, "{}"}; });
}

void HttpsReceiver::GoDown() {
  absl::MutexLock lock(&mu_);
  if (listen_fd_ >= 0) close(listen_fd_);
  listen_fd_ = -1;
}

absl::Status HttpsReceiver::ComeUp() { return Listen(); }

void HttpsReceiver::Serve() {
  while (!stop_) {
    int fd;
    {
      absl::MutexLock lock(&mu_);
      fd = listen_fd_;
    }
    pollfd p{fd, POLLIN, 0};
    if (fd < 0 || poll(&p, 1, 20) <= 0) {
      if (fd < 0) usleep(20'000);
      continue;
    }
    const int conn = accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn >= 0) HandleConnection(conn);
  }
}

void HttpsReceiver::HandleConnection(int fd) {
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  SSL* ssl = SSL_new(ctx_);
  SSL_set_fd(ssl, fd);
  ReceivedRequest request;
  if (SSL_accept(ssl) == 1 && ReadRequest(ssl, request)) {
    Handler handler;
    {
      absl::MutexLock lock(&mu_);
      handler = handler_;
    }
    const Reply reply = handler ? handler(request) : Reply{};
    request.replied = reply.status;
    const std::string out = absl::StrCat(
        "HTTP/1.1 ", reply.status,
        " Test\r\nContent-Type: application/json\r\nContent-Length: ", reply.body.size(),
        "\r\nConnection: close\r\n\r\n", reply.body);
    {
      absl::MutexLock lock(&mu_);
      requests_.push_back(std::move(request));
    }
    SSL_write(ssl, out.data(), static_cast<int>(out.size()));
    SSL_shutdown(ssl);
  }
  ERR_clear_error();
  SSL_free(ssl);
  close(fd);
}

std::vector<ReceivedRequest> HttpsReceiver::Requests() const {
  absl::MutexLock lock(&mu_);
  return requests_;
}

bool HttpsReceiver::WaitUntil(const std::function<bool(const std::vector<ReceivedRequest>&)>& pred,
                              absl::Duration limit) const {
  const absl::Time end = absl::Now() + limit;
  while (true) {
    if (pred(Requests())) return true;
    if (absl::Now() > end) return false;
    absl::SleepFor(absl::Milliseconds(10));
  }
}

}  // namespace breakglass::alerts::testing
