#include "api/cli/client.h"

#include <grpcpp/grpcpp.h>
#include <openssl/crypto.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "api/proto/breakglass/v1/breakglass.grpc.pb.h"
#include "api/proto/grpc/health/v1/health.grpc.pb.h"
#include "api/server/grpc_status.h"
#include "api/server/tls_policy.h"
#include "vault/base/status.h"

namespace breakglass::cli {
namespace {

namespace health = ::grpc::health::v1;
constexpr auto kUnaryTimeout = std::chrono::seconds(60);

absl::StatusOr<std::string> ReadFlagFile(std::string_view flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", std::string(flag), ": cannot read ", path));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

struct Client::Impl {
  std::string server;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<pb::Appliance::Stub> appliance;
  std::unique_ptr<pb::Identities::Stub> identities;
  std::unique_ptr<pb::Credentials::Stub> credentials;
  std::unique_ptr<pb::Requests::Stub> requests;
  std::unique_ptr<pb::Approvals::Stub> approvals;
  std::unique_ptr<pb::Releases::Stub> releases;
  std::unique_ptr<pb::Reviews::Stub> reviews;
  std::unique_ptr<pb::Audit::Stub> audit;
  std::unique_ptr<pb::Events::Stub> events;
  std::unique_ptr<health::Health::Stub> health;

  // The server's status, with a hint when the server was not reached.
  absl::Status Result(const grpc::Status& status) const {
    absl::Status s = api::FromGrpcStatus(status);
    if (!absl::IsUnavailable(s) || s.message().find("shutting down") != absl::string_view::npos) {
      return s;
    }
    return absl::UnavailableError(absl::StrCat(
        "cannot reach breakglassd at ", server, " (", std::string(s.message()),
        "). Check --server, that breakglassd runs, and that --cert/--key/--ca come from the "
        "appliance's CA."));
  }

  static void SetDeadline(grpc::ClientContext& ctx) {
    ctx.set_deadline(std::chrono::system_clock::now() + kUnaryTimeout);
  }

  template <typename Response, typename Stream>
  absl::Status Drain(grpc::ClientContext& ctx, Stream& stream,
                     const StreamCallback<Response>& callback) const {
    Response item;
    while (stream.Read(&item)) {
      if (absl::Status s = callback(item); !s.ok()) {
        ctx.TryCancel();
        stream.Finish();
        return s;
      }
    }
    return Result(stream.Finish());
  }
};

absl::StatusOr<std::unique_ptr<Client>> Client::Connect(const Settings& settings) {
  BG_RETURN_IF_ERROR(settings.CheckConnectable());
  BG_RETURN_IF_ERROR(api::RequireTls13ForProcess());
  grpc::SslCredentialsOptions ssl;
  BG_ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadFlagFile("ca", settings.ca));
  BG_ASSIGN_OR_RETURN(ssl.pem_cert_chain, ReadFlagFile("cert", settings.cert));
  BG_ASSIGN_OR_RETURN(ssl.pem_private_key, ReadFlagFile("key", settings.key));
  auto impl = std::make_unique<Impl>();
  impl->server = settings.server;
  impl->channel = grpc::CreateChannel(settings.server, grpc::SslCredentials(ssl));
  OPENSSL_cleanse(ssl.pem_private_key.data(), ssl.pem_private_key.size());
  impl->appliance = pb::Appliance::NewStub(impl->channel);
  impl->identities = pb::Identities::NewStub(impl->channel);
  impl->credentials = pb::Credentials::NewStub(impl->channel);
  impl->requests = pb::Requests::NewStub(impl->channel);
  impl->approvals = pb::Approvals::NewStub(impl->channel);
  impl->releases = pb::Releases::NewStub(impl->channel);
  impl->reviews = pb::Reviews::NewStub(impl->channel);
  impl->audit = pb::Audit::NewStub(impl->channel);
  impl->events = pb::Events::NewStub(impl->channel);
  impl->health = health::Health::NewStub(impl->channel);
  return std::unique_ptr<Client>(new Client(std::move(impl)));
}

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Client::~Client() = default;

#define BG_CLI_UNARY(stub, Method)                                                        \
  absl::StatusOr<pb::Method##Response> Client::Method(const pb::Method##Request& request) { \
    grpc::ClientContext ctx;                                                              \
    Impl::SetDeadline(ctx);                                                               \
    pb::Method##Response response;                                                        \
    BG_RETURN_IF_ERROR(impl_->Result(impl_->stub->Method(&ctx, request, &response)));     \
    return response;                                                                      \
  }
BG_CLI_UNARY(appliance, Init)
BG_CLI_UNARY(appliance, GetStatus)
BG_CLI_UNARY(appliance, GetRollbackClearStatement)
BG_CLI_UNARY(appliance, ApproveRollbackClear)
BG_CLI_UNARY(identities, AddIdentity)
BG_CLI_UNARY(identities, ListIdentities)
BG_CLI_UNARY(identities, RemoveIdentity)
BG_CLI_UNARY(identities, WhoAmI)
BG_CLI_UNARY(credentials, AddCredential)
BG_CLI_UNARY(credentials, ListCredentials)
BG_CLI_UNARY(credentials, GetCredential)
BG_CLI_UNARY(credentials, RotateCredential)
BG_CLI_UNARY(requests, CreateRequest)
BG_CLI_UNARY(requests, ListRequests)
BG_CLI_UNARY(requests, GetRequest)
BG_CLI_UNARY(requests, CancelRequest)
BG_CLI_UNARY(approvals, GetStatement)
BG_CLI_UNARY(approvals, Approve)
BG_CLI_UNARY(approvals, Deny)
BG_CLI_UNARY(releases, Fetch)
BG_CLI_UNARY(reviews, GetReviewStatement)
BG_CLI_UNARY(reviews, SubmitReview)
BG_CLI_UNARY(audit, GetCheckpoint)
BG_CLI_UNARY(audit, GetInclusionProof)
BG_CLI_UNARY(audit, GetConsistencyProof)
BG_CLI_UNARY(audit, GetEntries)
BG_CLI_UNARY(audit, GetTpmEvidence)
#undef BG_CLI_UNARY

absl::Status Client::ExportBundle(const pb::ExportBundleRequest& request,
                                  const StreamCallback<pb::BundleChunk>& on_chunk) {
  grpc::ClientContext ctx;
  auto stream = impl_->audit->ExportBundle(&ctx, request);
  return impl_->Drain<pb::BundleChunk>(ctx, *stream, on_chunk);
}

absl::Status Client::Watch(const pb::WatchRequest& request,
                           const StreamCallback<pb::WatchResponse>& on_item) {
  grpc::ClientContext ctx;
  auto stream = impl_->events->Watch(&ctx, request);
  return impl_->Drain<pb::WatchResponse>(ctx, *stream, on_item);
}

absl::StatusOr<std::string> Client::Health(const std::string& service) {
  grpc::ClientContext ctx;
  Impl::SetDeadline(ctx);
  health::HealthCheckRequest request;
  request.set_service(service);
  health::HealthCheckResponse response;
  BG_RETURN_IF_ERROR(impl_->Result(impl_->health->Check(&ctx, request, &response)));
  return health::HealthCheckResponse::ServingStatus_Name(response.status());
}

}  // namespace breakglass::cli
