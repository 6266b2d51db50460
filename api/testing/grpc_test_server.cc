#include "api/testing/grpc_test_server.h"

#include <grpcpp/generic/generic_stub.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <catch2/catch.hpp>

#include "api/server/store_identity_resolver.h"

// A third-party leak in every binary that runs gRPC over TLS: OpenSSL's
// per-thread state (error queue, 904 bytes and its strings) in gRPC worker
// threads is not freed when such a thread ends (grpc/grpc#38539,
// openssl/openssl#24357). LeakSanitizer reports it now and then, with a stack
// that ends in libcrypto (which has no frame pointers), so it can only be
// matched there. This applies to the binaries that link this fixture (the
// API's gRPC tests); every other test keeps leak checking of OpenSSL memory.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:CRYPTO_zalloc\nleak:CRYPTO_strndup\n";
}

namespace breakglass::api::testing {

namespace fs = std::filesystem;

GrpcTestServer::GrpcTestServer(Options options)
    : log_(std::make_shared<spdlog::logger>("test",
                                            std::make_shared<spdlog::sinks::null_sink_mt>())) {
  auto backend = FakeBackend::Create(dir_.path());
  REQUIRE(backend.ok());
  backend_ = *std::move(backend);
  handlers_ = std::make_unique<Handlers>(backend_.get());
  if (options.fixed_roles) {
    resolver_ = std::make_unique<StaticIdentityResolver>(*options.fixed_roles);
  } else {
    store_or_fixed_ = std::make_unique<StoreIdentityResolver>(backend_.get());
    resolver_ = std::make_unique<BootstrapOperatorResolver>(options.bootstrap_operator,
                                                            store_or_fixed_.get());
  }
  REQUIRE(MakeDevPki(pki(), options.identities).ok());
  ApiServer::Options server_options;
  server_options.server_cert_pem = ReadFile(pki() / "server.crt");
  server_options.server_key_pem = base::SecretBytes::CopyFrom(ReadFile(pki() / "server.key"));
  server_options.client_ca_pem = ReadFile(pki() / "ca.crt");
  server_options.max_request_bytes = options.max_request_bytes;
  server_options.drain_timeout = absl::Seconds(5);
  auto server =
      ApiServer::Start(std::move(server_options), {resolver_.get(), handlers_.get(), log_.get()});
  REQUIRE(server.ok());
  server_ = *std::move(server);
}

GrpcTestServer::~GrpcTestServer() {
  if (server_ != nullptr) server_->Shutdown();
}

std::string GrpcTestServer::address() const {
  return "127.0.0.1:" + std::to_string(server_->port());
}

namespace {

// Trusts `ca_file`; presents `cert_dir`/IDENTITY.crt and .key unless
// `identity` is empty.
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address, const fs::path& ca_file,
                                           const fs::path& cert_dir, const std::string& identity) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadFile(ca_file);
  if (!identity.empty()) {
    ssl.pem_cert_chain = ReadFile(cert_dir / (identity + ".crt"));
    ssl.pem_private_key = ReadFile(cert_dir / (identity + ".key"));
  }
  return grpc::CreateChannel(address, grpc::SslCredentials(ssl));
}

}  // namespace

std::shared_ptr<grpc::Channel> GrpcTestServer::Channel(const std::string& identity,
                                                       const fs::path& ca_dir) const {
  return MakeChannel(address(), pki() / "ca.crt", ca_dir.empty() ? pki() : ca_dir, identity);
}

std::shared_ptr<grpc::Channel> TlsChannel(const std::string& address, const fs::path& pki,
                                          const std::string& identity) {
  return MakeChannel(address, pki / "ca.crt", pki, identity);
}

RawResult CallWithEmptyRequest(const std::shared_ptr<grpc::Channel>& channel,
                               const std::string& method) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  grpc::CompletionQueue cq;
  void* tag = nullptr;
  bool ok = false;
  auto call = stub.PrepareCall(&ctx, method, &cq);
  call->StartCall(reinterpret_cast<void*>(1));
  cq.Next(&tag, &ok);
  grpc::Slice empty(std::string{});
  grpc::ByteBuffer request(&empty, 1);
  call->WriteLast(request, grpc::WriteOptions(), reinterpret_cast<void*>(2));
  cq.Next(&tag, &ok);
  grpc::ByteBuffer response;
  call->Read(&response, reinterpret_cast<void*>(3));
  cq.Next(&tag, &ok);
  RawResult result;
  result.got_message = ok;
  if (ok) ctx.TryCancel();
  call->Finish(&result.status, reinterpret_cast<void*>(4));
  cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return result;
}

}  // namespace breakglass::api::testing
