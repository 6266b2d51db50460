// GrpcTestServer: a real ApiServer on 127.0.0.1 (free port) with its own dev
// PKI (api/tools/dev-ca) in a temp dir, handlers over a FakeBackend, and
// mutual-TLS channels for any identity — the fixture of the API's in-process
// end-to-end tests.
//
// Identities resolve either from a fixed map (role-table tests) or, when
// none is given, from the core's identity store with `bootstrap_operator`
// holding the operator role, exactly as breakglassd resolves them.
//
// Thread-safety: create and destroy on the test's thread; channels may be
// used from any thread.
#ifndef BREAKGLASS_API_TESTING_GRPC_TEST_SERVER_H_
#define BREAKGLASS_API_TESTING_GRPC_TEST_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/server/handlers.h"
#include "api/server/identity_resolver.h"
#include "api/server/server.h"
#include "api/testing/fake_backend.h"
#include "api/testing/test_env.h"

namespace spdlog {
class logger;
}  // namespace spdlog

namespace breakglass::api::testing {

class GrpcTestServer final {
 public:
  struct Options {
    // Client certificates to issue.
    std::vector<std::string> identities;
    // Fixed roles per identity; nullopt: the store plus bootstrap_operator.
    std::optional<std::map<std::string, RoleSet, std::less<>>> fixed_roles;
    std::string bootstrap_operator = "op";
    int max_request_bytes = 64 * 1024;
  };

  // Aborts the test (Catch2 REQUIRE) when anything fails to start.
  explicit GrpcTestServer(Options options);
  ~GrpcTestServer();

  const std::filesystem::path& dir() const { return dir_.path(); }
  std::filesystem::path pki() const { return dir_.path() / "pki"; }
  std::string address() const;
  ApiServer& server() { return *server_; }
  FakeBackend& backend() { return *backend_; }

  // A channel presenting `identity`'s certificate issued by the CA in
  // `ca_dir` (default: this server's); no client certificate when empty.
  std::shared_ptr<grpc::Channel> Channel(const std::string& identity,
                                         const std::filesystem::path& ca_dir = {}) const;

 private:
  TempDir dir_;
  std::unique_ptr<FakeBackend> backend_;
  std::unique_ptr<IdentityResolver> store_or_fixed_;
  std::unique_ptr<IdentityResolver> resolver_;
  std::unique_ptr<Handlers> handlers_;
  std::shared_ptr<spdlog::logger> log_;
  std::unique_ptr<ApiServer> server_;
};

// What a call with an empty request message got.
struct RawResult {
  grpc::Status status;
  bool got_message = false;
};

// A TLS channel to `address` (e.g. a breakglassd's "127.0.0.1:PORT") trusting
// `pki`/ca.crt, as `identity` (`pki`/IDENTITY.crt and .key); without a client
// certificate when `identity` is empty.
std::shared_ptr<grpc::Channel> TlsChannel(const std::string& address,
                                          const std::filesystem::path& pki,
                                          const std::string& identity);

// Calls any method (unary or server-streaming, full path
// "/breakglass.v1.Audit/GetEntries") with an empty request message and reads
// at most one response; a stream is cancelled after its first one.
RawResult CallWithEmptyRequest(const std::shared_ptr<grpc::Channel>& channel,
                               const std::string& method);

}  // namespace breakglass::api::testing

#endif  // BREAKGLASS_API_TESTING_GRPC_TEST_SERVER_H_
