#include "api/server/server.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/security/server_credentials.h>
#include <openssl/crypto.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "api/server/health_state.h"
#include "api/server/rpc_table.h"
#include "api/server/services.h"
#include "api/server/tls_policy.h"
#include "vault/base/status.h"

namespace breakglass::api {
namespace {

// "breakglass.v1.Requests" for every service in the RPC table.
std::set<std::string, std::less<>> ServiceNames() {
  std::set<std::string, std::less<>> names;
  for (const RpcRule& rule : RpcTable()) {
    std::string_view method = rule.method.substr(1);  // drop the leading '/'
    names.emplace(method.substr(0, method.find('/')));
  }
  return names;
}

absl::Status CheckListenAddress(const std::string& address) {
  const size_t colon = address.rfind(':');
  int port = -1;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "listen_address: '", address, "' is not host:port (e.g. 127.0.0.1:8443)"));
  }
  return absl::OkStatus();
}

absl::Status CheckOptions(const ApiServer::Options& o, const ApiServer::Deps& deps) {
  if (deps.identities == nullptr || deps.handlers == nullptr || deps.log == nullptr) {
    return absl::InvalidArgumentError("ApiServer::Deps: every dependency must be set");
  }
  BG_RETURN_IF_ERROR(CheckListenAddress(o.listen_address));
  BG_RETURN_IF_ERROR(CheckServerTlsMaterial(o.server_cert_pem, o.server_key_pem, o.client_ca_pem));
  if (o.max_request_bytes <= 0 || o.max_response_bytes <= 0 || o.max_threads < 4 ||
      o.max_watchers <= 0 || o.max_streams_per_connection <= 0 || o.max_metadata_bytes <= 0) {
    return absl::InvalidArgumentError("ApiServer::Options: limits must be positive");
  }
  return absl::OkStatus();
}

std::shared_ptr<grpc::ServerCredentials> MutualTlsCredentials(ApiServer::Options& o) {
  grpc::SslServerCredentialsOptions ssl(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  ssl.pem_root_certs = o.client_ca_pem;
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  pair.cert_chain = o.server_cert_pem;
  pair.private_key = std::string(o.server_key_pem.view(base::InsecureSecretAccess::Get()));
  ssl.pem_key_cert_pairs.push_back(std::move(pair));
  std::shared_ptr<grpc::ServerCredentials> creds = grpc::SslServerCredentials(ssl);
  // gRPC keeps its own copy; wipe ours.
  std::string& key = ssl.pem_key_cert_pairs[0].private_key;
  OPENSSL_cleanse(key.data(), key.size());
  o.server_key_pem = base::SecretBytes();
  return creds;
}

}  // namespace

struct ApiServer::State {
  State(const Options& options, const Deps& deps)
      : drain_timeout(options.drain_timeout),
        health(ServiceNames()),
        services(MakeServices(ServiceDeps{deps.identities, deps.handlers, &health, deps.log,
                                          options.max_watchers})) {}

  const absl::Duration drain_timeout;
  HealthState health;
  std::unique_ptr<ServiceSet> services;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
  absl::Mutex shutdown_mu;
  bool shut_down ABSL_GUARDED_BY(shutdown_mu) = false;
};

absl::StatusOr<std::unique_ptr<ApiServer>> ApiServer::Start(Options options, Deps deps) {
  BG_RETURN_IF_ERROR(CheckOptions(options, deps));
  BG_RETURN_IF_ERROR(RequireTls13ForProcess());
  auto state = std::make_unique<State>(options, deps);

  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen_address, MutualTlsCredentials(options), &state->port);
  builder.SetMaxReceiveMessageSize(options.max_request_bytes);
  builder.SetMaxSendMessageSize(options.max_response_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_METADATA_SIZE, options.max_metadata_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             options.max_streams_per_connection);
  grpc::ResourceQuota quota("breakglassd");
  quota.SetMaxThreads(options.max_threads);
  builder.SetResourceQuota(quota);
  for (grpc::Service* service : state->services->services()) builder.RegisterService(service);

  state->server = builder.BuildAndStart();
  if (state->server == nullptr || state->port == 0) {
    return absl::UnavailableError(absl::StrCat(
        "listen_address: cannot listen on ", options.listen_address,
        " (address in use, not local, or not permitted); choose another address"));
  }
  return std::unique_ptr<ApiServer>(new ApiServer(std::move(state)));
}

ApiServer::ApiServer(std::unique_ptr<State> state) : state_(std::move(state)) {}

ApiServer::~ApiServer() { Shutdown(); }

int ApiServer::port() const { return state_->port; }

void ApiServer::Shutdown() {
  absl::MutexLock lock(&state_->shutdown_mu);
  if (state_->shut_down) return;
  state_->shut_down = true;
  state_->health.Shutdown();
  state_->server->Shutdown(absl::ToChronoTime(absl::Now() + state_->drain_timeout));
  state_->server->Wait();
}

}  // namespace breakglass::api
