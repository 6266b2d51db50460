// HttpsReceiver: a small HTTPS/1.1 server on 127.0.0.1 for tests — TLS with a
// certificate from a TestPki, one request per connection, each request
// recorded with the status it was answered with. It can be told to answer
// with an error status (SetHandler) or to go down (connections refused) and
// come back on the same port. Used by tests, and by the dev tool
// breakglass-webhook-receiver (vault/alerts/tools/), never by breakglassd.
//
// Thread-safety: all methods are safe from any thread; the handler runs on
// the server thread.
#ifndef BREAKGLASS_VAULT_ALERTS_TESTING_HTTPS_RECEIVER_H_
#define BREAKGLASS_VAULT_ALERTS_TESTING_HTTPS_RECEIVER_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "vault/alerts/testing/test_pki.h"

struct ssl_ctx_st;

namespace breakglass::alerts::testing {

struct ReceivedRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  int replied = 0;  // the status it was answered with
};

struct Reply {
  int status = 200;
  std::string body = "{}";
};

class HttpsReceiver final {
 public:
  using Handler = std::function<Reply(const ReceivedRequest&)>;

  // Listens on 127.0.0.1:`port` (0: a free port) with `pki`'s server
  // certificate. INTERNAL if the certificate does not load or the port cannot
  // be bound.
  static absl::StatusOr<std::unique_ptr<HttpsReceiver>> Start(const TestPki& pki, int port = 0);
  ~HttpsReceiver();

  // The port it listens on.
  int port() const { return port_; }

  // "https://127.0.0.1:<port><path>".
  std::string Url(const std::string& path) const;
  // Answers every later request with what `handler` returns (default 200 "{}").
  void SetHandler(Handler handler);
  // Shorthand: answers every later request with `status`.
  void SetStatus(int status);
  // Closes the listening socket: connections are refused until ComeUp().
  void GoDown();
  // Listens again on the same port. INTERNAL if the port cannot be bound.
  absl::Status ComeUp();

  std::vector<ReceivedRequest> Requests() const;
  // Waits (real time, at most `limit`) until `pred(requests)` holds; returns
  // whether it did.
  bool WaitUntil(const std::function<bool(const std::vector<ReceivedRequest>&)>& pred,
                 absl::Duration limit) const;

 private:
  HttpsReceiver() = default;
  absl::Status Listen();
  void Serve();
  void HandleConnection(int fd);

  ssl_ctx_st* ctx_ = nullptr;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;

  mutable absl::Mutex mu_;
  int listen_fd_ ABSL_GUARDED_BY(mu_) = -1;
  Handler handler_ ABSL_GUARDED_BY(mu_);
  std::vector<ReceivedRequest> requests_ ABSL_GUARDED_BY(mu_);
};

}  // namespace breakglass::alerts::testing

#endif  // BREAKGLASS_VAULT_ALERTS_TESTING_HTTPS_RECEIVER_H_
