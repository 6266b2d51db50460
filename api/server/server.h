// ApiServer: the breakglass.v1 gRPC server on TLS 1.3 with REQUIRED client
// certificates verified against the client CA (GRPC_SSL_REQUEST_AND_REQUIRE_
// CLIENT_CERTIFICATE_AND_VERIFY). A peer without a certificate, or with one
// from another CA, fails the handshake; every admitted call goes through the
// gate described in api/server/services.h.
//
// Limits: request and response messages, metadata, concurrent streams per
// connection, handler threads and Watch streams are bounded by Options.
//
// Thread-safety: Shutdown and Wait may be called from any thread; port() is
// immutable after Start.
#ifndef BREAKGLASS_API_SERVER_SERVER_H_
#define BREAKGLASS_API_SERVER_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vault/base/secret_bytes.h"

namespace spdlog {
class logger;
}  // namespace spdlog

namespace breakglass::api {

class Handlers;
class IdentityResolver;

class ApiServer final {
 public:
  struct Options {
    // "host:port"; port 0 picks a free port (see port()).
    std::string listen_address = "127.0.0.1:0";
    std::string server_cert_pem;    // server certificate chain, leaf first
    base::SecretBytes server_key_pem;  // its private key (wiped after use)
    std::string client_ca_pem;      // CA(s) that issue client certificates
    int max_request_bytes = 1 << 20;
    int max_response_bytes = 4 << 20;
    int max_metadata_bytes = 16 << 10;
    int max_streams_per_connection = 64;
    int max_threads = 64;
    int max_watchers = 32;
    // Time in-flight calls get to finish on Shutdown before being cancelled.
    absl::Duration drain_timeout = absl::Seconds(10);
  };

  // Borrowed; all must outlive the server.
  struct Deps {
    IdentityResolver* identities = nullptr;
    Handlers* handlers = nullptr;
    spdlog::logger* log = nullptr;
  };

  // Checks the TLS material, applies the TLS 1.3 policy and starts serving.
  // Errors: INVALID_ARGUMENT naming the bad option ("certificate: ...",
  // "listen_address: ..."); UNAVAILABLE when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<ApiServer>> Start(Options options, Deps deps);

  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // The bound TCP port.
  int port() const;

  // Drains: health turns NOT_SERVING, Watch streams end with UNAVAILABLE,
  // new calls are refused, in-flight calls get drain_timeout to finish and
  // are then cancelled. Returns once every handler has returned. Idempotent.
  void Shutdown();

 private:
  struct State;
  explicit ApiServer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace breakglass::api

#endif  // BREAKGLASS_API_SERVER_SERVER_H_
