// End-to-end tests of the API server over real gRPC on 127.0.0.1 with real
// TLS certificates (api/tools/dev-ca in a temp dir): mutual TLS is required,
// health serves, limits hold and shutdown drains. Refused handshakes (no
// client certificate, another CA, TLS 1.2) are in tls_refusal_e2e_test.cc,
// the role matrix in role_matrix_e2e_test.cc.
#include <grpcpp/grpcpp.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "api/proto/breakglass/v1/breakglass.grpc.pb.h"
#include "api/proto/grpc/health/v1/health.grpc.pb.h"
#include "api/server/handlers.h"
#include "api/server/identity_resolver.h"
#include "api/server/rpc_table.h"
#include "api/server/server.h"
#include "api/testing/grpc_test_server.h"
#include "api/testing/test_env.h"

namespace breakglass::api {
namespace {

namespace fs = std::filesystem;
namespace health = ::grpc::health::v1;
using testing::ReadFile;
using testing::TempDir;

// One identity per role, plus one holding no registration at all.
const std::map<std::string, Role>& RoleIdentities() {
  static const auto* kIdentities = new std::map<std::string, Role>{
      {"op", Role::kOperator}, {"cus", Role::kCustodian}, {"req", Role::kRequester},
      {"rev", Role::kReviewer}, {"aud", Role::kAuditor}};
  return *kIdentities;
}

std::map<std::string, RoleSet, std::less<>> Registered() {
  std::map<std::string, RoleSet, std::less<>> out;
  for (const auto& [name, role] : RoleIdentities()) out[name] = {role};
  return out;
}

// A running ApiServer with fixed single-role identities, and clients for it.
class TestServer {
 public:
  TestServer() : server_(Options()) {}
  fs::path pki() const { return server_.pki(); }
  std::string address() const { return server_.address(); }
  ApiServer& server() { return server_.server(); }
  std::shared_ptr<grpc::Channel> Channel(const std::string& identity,
                                         const fs::path& ca_dir = {}) const {
    return server_.Channel(identity, ca_dir);
  }

 private:
  static testing::GrpcTestServer::Options Options() {
    testing::GrpcTestServer::Options options;
    options.identities = {"op", "cus", "req", "rev", "aud", "stranger"};
    options.fixed_roles = Registered();
    return options;
  }
  testing::GrpcTestServer server_;
};

std::chrono::system_clock::time_point Deadline() {
  return std::chrono::system_clock::now() + std::chrono::seconds(20);
}

grpc::Status WhoAmI(const std::shared_ptr<grpc::Channel>& channel, pb::WhoAmIResponse* out) {
  grpc::ClientContext ctx;
  ctx.set_deadline(Deadline());
  return pb::Identities::NewStub(channel)->WhoAmI(&ctx, pb::WhoAmIRequest(), out);
}

grpc::Status HealthCheck(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                         health::HealthCheckResponse* out) {
  grpc::ClientContext ctx;
  ctx.set_deadline(Deadline());
  health::HealthCheckRequest request;
  request.set_service(service);
  return health::Health::NewStub(channel)->Check(&ctx, request, out);
}

TEST_CASE("HealthServesOverMutualTls", "[e2e]") {
  TestServer server;
  health::HealthCheckResponse response;
  REQUIRE(HealthCheck(server.Channel("aud"), "", &response).ok());
  CHECK(response.status() == health::HealthCheckResponse::SERVING);
  REQUIRE(HealthCheck(server.Channel("req"), "breakglass.v1.Requests", &response).ok());
  CHECK(response.status() == health::HealthCheckResponse::SERVING);
  // Health needs a valid certificate but no registered identity.
  REQUIRE(HealthCheck(server.Channel("stranger"), "", &response).ok());
  CHECK(HealthCheck(server.Channel("op"), "no.such.Service", &response).error_code() ==
        grpc::StatusCode::NOT_FOUND);
}

TEST_CASE("AnUnregisteredIdentityIsUnauthenticatedWithAHint", "[e2e]") {
  TestServer server;
  pb::WhoAmIResponse who;
  const grpc::Status status = WhoAmI(server.Channel("stranger"), &who);
  CHECK(status.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(status.error_message().find("'stranger' is not a registered identity") !=
        std::string::npos);
  CHECK(status.error_message().find("breakglass identity add stranger") != std::string::npos);
}

TEST_CASE("WhoAmIReturnsTheCertificateIdentityAndItsRoles", "[e2e]") {
  TestServer server;
  pb::WhoAmIResponse who;
  REQUIRE(WhoAmI(server.Channel("cus"), &who).ok());
  CHECK(who.identity().name() == "cus");
  REQUIRE(who.identity().roles_size() == 1);
  CHECK(who.identity().roles(0) == pb::ROLE_CUSTODIAN);
}

TEST_CASE("RefusesARequestOverTheSizeLimit", "[e2e]") {
  TestServer server;
  pb::AddCredentialRequest request;
  request.set_id("big");
  request.set_secret(std::string(128 * 1024, 'x'));
  pb::AddCredentialResponse response;
  grpc::ClientContext ctx;
  ctx.set_deadline(Deadline());
  const grpc::Status status =
      pb::Credentials::NewStub(server.Channel("op"))->AddCredential(&ctx, request, &response);
  CHECK(status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST_CASE("ShutdownTurnsHealthNotServingAndEndsWatchesWithUnavailable", "[e2e]") {
  TestServer server;
  grpc::ClientContext ctx;
  ctx.set_deadline(Deadline());
  health::HealthCheckRequest request;
  auto stream = health::Health::NewStub(server.Channel("aud"))->Watch(&ctx, request);
  health::HealthCheckResponse response;
  REQUIRE(stream->Read(&response));
  CHECK(response.status() == health::HealthCheckResponse::SERVING);
  std::thread stopper([&] { server.server().Shutdown(); });
  const bool got_not_serving = stream->Read(&response);
  stopper.join();
  REQUIRE(got_not_serving);
  CHECK(response.status() == health::HealthCheckResponse::NOT_SERVING);
  CHECK_FALSE(stream->Read(&response));
  const grpc::Status status = stream->Finish();
  CHECK(status.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(status.error_message().find("shutting down") != std::string::npos);
}

}  // namespace
}  // namespace breakglass::api
