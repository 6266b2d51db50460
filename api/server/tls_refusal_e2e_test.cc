// Handshakes the server refuses, over real TLS on 127.0.0.1: no client
// certificate (for every service), a client certificate from another CA, and
// TLS 1.2 (DESIGN.md "API and identity": TLS 1.3 with client certificates).
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <string>

#include "api/proto/breakglass/v1/breakglass.grpc.pb.h"
#include "api/server/rpc_table.h"
#include "api/testing/grpc_test_server.h"
#include "api/testing/test_env.h"

namespace breakglass::api {
namespace {

namespace fs = std::filesystem;

class TlsServer {
 public:
  TlsServer() : server_(Options()) { REQUIRE(testing::MakeDevPki(other_ca(), {"op"}).ok()); }
  testing::GrpcTestServer& server() { return server_; }
  fs::path other_ca() const { return server_.dir() / "other-ca"; }

 private:
  static testing::GrpcTestServer::Options Options() {
    testing::GrpcTestServer::Options options;
    options.identities = {"op"};
    options.fixed_roles = std::map<std::string, RoleSet, std::less<>>{{"op", {Role::kOperator}}};
    return options;
  }
  testing::GrpcTestServer server_;
};

grpc::Status WhoAmI(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  pb::WhoAmIResponse who;
  return pb::Identities::NewStub(channel)->WhoAmI(&ctx, pb::WhoAmIRequest(), &who);
}

TEST_CASE("WithoutAClientCertificateNoServiceIsReachable", "[e2e]") {
  TlsServer tls;
  const auto anonymous = tls.server().Channel("");
  std::string last_service;
  for (const RpcRule& rule : RpcTable()) {
    const std::string_view service = rule.method.substr(0, rule.method.rfind('/'));
    if (service == last_service) continue;
    last_service = std::string(service);
    INFO(rule.method);
    const testing::RawResult r = testing::CallWithEmptyRequest(anonymous, std::string(rule.method));
    CHECK(!r.got_message);
    CHECK(r.status.error_code() == grpc::StatusCode::UNAVAILABLE);
  }
}

TEST_CASE("RefusesAClientCertificateFromAnotherCa", "[e2e]") {
  TlsServer tls;
  CHECK(WhoAmI(tls.server().Channel("op", tls.other_ca())).error_code() ==
        grpc::StatusCode::UNAVAILABLE);
  // The same name from the right CA is accepted.
  CHECK(WhoAmI(tls.server().Channel("op")).ok());
}

testing::CommandResult OpenSslClient(TlsServer& tls, const std::string& version) {
  const fs::path pki = tls.server().pki();
  return testing::RunCommand({"openssl", "s_client", "-connect", tls.server().address(), version,
                              "-alpn", "h2", "-CAfile", (pki / "ca.crt").string(), "-cert",
                              (pki / "op.crt").string(), "-key", (pki / "op.key").string(),
                              "-verify_return_error", "-brief"});
}

TEST_CASE("RefusesTls12AndSpeaksTls13", "[e2e]") {
  TlsServer tls;
  const testing::CommandResult tls12 = OpenSslClient(tls, "-tls1_2");
  INFO(tls12.output);
  CHECK(tls12.exit_code != 0);
  const testing::CommandResult tls13 = OpenSslClient(tls, "-tls1_3");
  INFO(tls13.output);
  CHECK(tls13.exit_code == 0);
  CHECK(tls13.output.find("Protocol version: TLSv1.3") != std::string::npos);
}

}  // namespace
}  // namespace breakglass::api
