#include "api/server/services.h"

#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <functional>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "api/proto/breakglass/v1/breakglass.grpc.pb.h"
#include "api/proto/grpc/health/v1/health.grpc.pb.h"
#include "api/server/grpc_status.h"
#include "api/server/handlers.h"
#include "api/server/health_state.h"
#include "api/server/identity_resolver.h"
#include "api/server/rpc_table.h"

namespace breakglass::api {
namespace {

namespace health = ::grpc::health::v1;

constexpr std::string_view kCommonName = "x509_common_name";
constexpr absl::Duration kStreamPoll = absl::Milliseconds(200);

// Identity names: 1–64 characters from [A-Za-z0-9._@-], starting with a
// letter or digit (the core's identifier rule).
bool IsValidIdentityName(std::string_view name) {
  if (name.empty() || name.size() > 64 || !std::isalnum(static_cast<unsigned char>(name[0]))) {
    return false;
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '@' &&
        c != '-') {
      return false;
    }
  }
  return true;
}

absl::StatusOr<std::string> PeerCommonName(const grpc::ServerContext& ctx) {
  std::shared_ptr<const grpc::AuthContext> auth = ctx.auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) {
    return absl::UnauthenticatedError(
        "no verified client certificate on this connection; connect with --cert and --key "
        "issued by the appliance's client CA");
  }
  std::vector<grpc::string_ref> names = auth->FindPropertyValues(std::string(kCommonName));
  if (names.size() != 1) {
    return absl::UnauthenticatedError(
        "the client certificate must carry exactly one subject CN (the identity name)");
  }
  std::string name(names[0].data(), names[0].size());
  if (!IsValidIdentityName(name)) {
    return absl::UnauthenticatedError(
        "the client certificate's CN is not a valid identity name (1-64 characters from "
        "A-Z a-z 0-9 . _ @ -); issue a certificate whose CN is the identity name");
  }
  return name;
}

// Admits calls (identity, roles, RPC table), runs them and logs the outcome.
class Gate final {
 public:
  explicit Gate(const ServiceDeps& deps) : deps_(deps) {}

  // Admits the caller of `method`, runs `body` and returns its mapped status.
  grpc::Status Run(grpc::ServerContext* ctx, std::string_view method,
                   const std::function<absl::Status(const Caller&)>& body) const {
    absl::StatusOr<std::string> name = PeerCommonName(*ctx);
    if (!name.ok()) return Refused(method, "", name.status());
    absl::StatusOr<Caller> caller = Admit(*name, method);
    if (!caller.ok()) return Refused(method, *name, caller.status());
    if (absl::Status served = handlers().CheckRecovery(method); !served.ok()) {
      return Finish(method, *name, served);
    }
    return Finish(method, *name, body(*caller));
  }

  HealthState& health() const { return *deps_.health; }
  Handlers& handlers() const { return *deps_.handlers; }

  // Takes a Watch slot; false when max_watchers streams are open.
  bool AcquireWatcher() const {
    if (watchers_.fetch_add(1) < deps_.max_watchers) return true;
    watchers_.fetch_sub(1);
    return false;
  }
  void ReleaseWatcher() const { watchers_.fetch_sub(1); }

 private:
  // Resolves the roles of `name` and checks them against the RPC table.
  absl::StatusOr<Caller> Admit(const std::string& name, std::string_view method) const {
    const RpcRule* rule = FindRpcRule(method);
    if (rule != nullptr && rule->access == Access::kAnyAuthenticatedPeer) {
      return Caller{name, {}};
    }
    absl::StatusOr<RoleSet> roles = deps_.identities->RolesOf(name);
    if (absl::IsNotFound(roles.status())) {
      return absl::UnauthenticatedError(absl::StrCat(
          "certificate CN '", name, "' is not a registered identity; ask an operator to add "
          "it (breakglass identity add ", name, " --role ...)"));
    }
    if (!roles.ok()) return roles.status();
    if (absl::Status allowed = Authorize(method, name, *roles); !allowed.ok()) return allowed;
    return Caller{name, *std::move(roles)};
  }

  // Admission failed. An authentication or role refusal is also a
  // `login_failed` audit event; failing to write it is logged as an error and
  // the call is refused all the same.
  grpc::Status Refused(std::string_view method, std::string_view identity,
                       const absl::Status& status) const {
    if (absl::IsUnauthenticated(status) || absl::IsPermissionDenied(status)) {
      if (absl::Status recorded = handlers().RecordRefusedCall(identity, method, status);
          !recorded.ok()) {
        deps_.log->error("audit: the refused call {} by '{}' was not recorded: {}", method,
                         identity, recorded.ToString());
      }
    }
    return Finish(method, identity.empty() ? "-" : identity, status);
  }

  grpc::Status Finish(std::string_view method, std::string_view identity,
                      const absl::Status& status) const {
    const auto level = status.ok() ? spdlog::level::info
                       : absl::IsPermissionDenied(status) || absl::IsUnauthenticated(status)
                           ? spdlog::level::warn
                           : spdlog::level::info;
    deps_.log->log(level, "rpc {} identity={} status={}", method, identity,
                   absl::StatusCodeToString(status.code()));
    return ToGrpcStatus(status);
  }

  const ServiceDeps deps_;
  mutable std::atomic<int> watchers_{0};
};

// Holds a Watch slot for the lifetime of one stream.
class WatcherSlot final {
 public:
  explicit WatcherSlot(const Gate& gate) : gate_(gate), held_(gate.AcquireWatcher()) {}
  ~WatcherSlot() {
    if (held_) gate_.ReleaseWatcher();
  }
  WatcherSlot(const WatcherSlot&) = delete;
  WatcherSlot& operator=(const WatcherSlot&) = delete;
  bool held() const { return held_; }

 private:
  const Gate& gate_;
  const bool held_;
};

absl::Status TooManyWatchers() {
  return absl::ResourceExhaustedError(
      "too many open Watch streams on this breakglassd; close one or retry later");
}

absl::Status Draining() {
  return absl::UnavailableError("breakglassd is shutting down; reconnect and retry");
}

// One unary RPC: admit, then call Handlers::Method.
#define BG_API_UNARY(Service, Method)                                                    \
  grpc::Status Method(grpc::ServerContext* ctx, const pb::Method##Request* request,     \
                      pb::Method##Response* response) override {                        \
    return gate_.Run(ctx, "/breakglass.v1." #Service "/" #Method,                        \
                     [&](const Caller& caller) {                                         \
                       return gate_.handlers().Method(caller, *request, response);       \
                     });                                                                 \
  }

class ApplianceService final : public pb::Appliance::Service {
 public:
  explicit ApplianceService(const Gate& gate) : gate_(gate) {}
  BG_API_UNARY(Appliance, Init)
  BG_API_UNARY(Appliance, GetStatus)
  BG_API_UNARY(Appliance, GetRollbackClearStatement)
  BG_API_UNARY(Appliance, ApproveRollbackClear)

 private:
  const Gate& gate_;
};

class IdentitiesService final : public pb::Identities::Service {
 public:
  explicit IdentitiesService(const Gate& gate) : gate_(gate) {}
  BG_API_UNARY(Identities, AddIdentity)
  BG_API_UNARY(Identities, ListIdentities)
  BG_API_UNARY(Identities, RemoveIdentity)
  BG_API_UNARY(Identities, WhoAmI)

 private:
  const Gate& gate_;
};

class CredentialsService final : public pb::Credentials::Service {
 public:
  explicit CredentialsService(const Gate& gate) : gate_(gate) {}
  BG_API_UNARY(Credentials, AddCredential)
  BG_API_UNARY(Credentials, ListCredentials)
  BG_API_UNARY(Credentials, GetCredential)
  BG_API_UNARY(Credentials, RotateCredential)

 private:
  const Gate& gate_;
};

class RequestsService final : public pb::Requests::Service {
 public:
  explicit RequestsService(const Gate& gate) : gate_(gate) {}
  BG_API_UNARY(Requests, CreateRequest)
  BG_API_UNARY(Requests, ListRequests)
  BG_API_UNARY(Requests, GetRequest)
  BG_API_UNARY(Requests, CancelRequest)

 private:
  const Gate& gate_;
};

class ApprovalsService final : public pb::Approvals::Service {
 public:
  explicit ApprovalsService(const Gate& gate) : gate_(gate) {}
  BG_API_UNARY(Approvals, GetStatement)
  BG_API_UNARY(Approvals, Approve)
  BG_API_UNARY(Approvals, Deny)

 private:
  const Gate& gate_;
};

class ReleasesService final : public pb::Releases::Service {
 public:
  explicit ReleasesService(const Gate& gate) : gate_(gate) {}
  BG_API_UNARY(Releases, Fetch)

 private:
  const Gate& gate_;
};

class ReviewsService final : public pb::Reviews::Service {
 public:
  explicit ReviewsService(const Gate& gate) : gate_(gate) {}
  BG_API_UNARY(Reviews, GetReviewStatement)
  BG_API_UNARY(Reviews, SubmitReview)

 private:
  const Gate& gate_;
};

class AuditService final : public pb::Audit::Service {
 public:
  explicit AuditService(const Gate& gate) : gate_(gate) {}
  BG_API_UNARY(Audit, GetCheckpoint)
  BG_API_UNARY(Audit, GetInclusionProof)
  BG_API_UNARY(Audit, GetConsistencyProof)
  BG_API_UNARY(Audit, GetEntries)
  BG_API_UNARY(Audit, GetTpmEvidence)

  grpc::Status ExportBundle(grpc::ServerContext* ctx, const pb::ExportBundleRequest* request,
                            grpc::ServerWriter<pb::BundleChunk>* writer) override {
    return gate_.Run(ctx, "/breakglass.v1.Audit/ExportBundle", [&](const Caller& caller) {
      return gate_.handlers().ExportBundle(
          caller, *request, [writer](const pb::BundleChunk& chunk) { return writer->Write(chunk); });
    });
  }

 private:
  const Gate& gate_;
};

#undef BG_API_UNARY

class EventsService final : public pb::Events::Service {
 public:
  explicit EventsService(const Gate& gate) : gate_(gate) {}

  grpc::Status Watch(grpc::ServerContext* ctx, const pb::WatchRequest* request,
                     grpc::ServerWriter<pb::WatchResponse>* writer) override {
    return gate_.Run(ctx, "/breakglass.v1.Events/Watch", [&](const Caller& caller) {
      WatcherSlot slot(gate_);
      if (!slot.held()) return TooManyWatchers();
      auto stop = [&] { return ctx->IsCancelled() || gate_.health().shutting_down(); };
      absl::Status status = gate_.handlers().Watch(
          caller, *request,
          [writer](const pb::WatchResponse& item) { return writer->Write(item); }, stop);
      if (status.ok() && gate_.health().shutting_down()) return Draining();
      return status;
    });
  }

 private:
  const Gate& gate_;
};

health::HealthCheckResponse::ServingStatus ToProto(HealthState::Status status, bool watch) {
  switch (status) {
    case HealthState::Status::kServing: return health::HealthCheckResponse::SERVING;
    case HealthState::Status::kNotServing: return health::HealthCheckResponse::NOT_SERVING;
    case HealthState::Status::kUnknownService:
      return watch ? health::HealthCheckResponse::SERVICE_UNKNOWN
                   : health::HealthCheckResponse::UNKNOWN;
  }
  return health::HealthCheckResponse::UNKNOWN;
}

// grpc.health.v1 (doc/health-checking.md in grpc): Check, and Watch sending
// the current status and then every change.
class HealthService final : public health::Health::Service {
 public:
  explicit HealthService(const Gate& gate) : gate_(gate) {}

  grpc::Status Check(grpc::ServerContext* ctx, const health::HealthCheckRequest* request,
                     health::HealthCheckResponse* response) override {
    return gate_.Run(ctx, "/grpc.health.v1.Health/Check", [&](const Caller&) {
      const HealthState::Status status = gate_.health().Get(request->service());
      if (status == HealthState::Status::kUnknownService) {
        return absl::NotFoundError(absl::StrCat("unknown service '", request->service(),
                                                "'; ask for \"\" or a breakglass.v1 service"));
      }
      response->set_status(ToProto(status, /*watch=*/false));
      return absl::OkStatus();
    });
  }

  grpc::Status Watch(grpc::ServerContext* ctx, const health::HealthCheckRequest* request,
                     grpc::ServerWriter<health::HealthCheckResponse>* writer) override {
    return gate_.Run(ctx, "/grpc.health.v1.Health/Watch", [&](const Caller&) {
      WatcherSlot slot(gate_);
      if (!slot.held()) return TooManyWatchers();
      return Stream(*ctx, request->service(), *writer);
    });
  }

 private:
  // Sends the status, then every change; after the shutdown status has been
  // sent, ends the stream with UNAVAILABLE.
  absl::Status Stream(grpc::ServerContext& ctx, const std::string& service,
                      grpc::ServerWriter<health::HealthCheckResponse>& writer) {
    HealthState& state = gate_.health();
    HealthState::Snapshot snap = state.Take(service);
    while (true) {
      health::HealthCheckResponse response;
      response.set_status(ToProto(snap.status, /*watch=*/true));
      if (!writer.Write(response)) return absl::CancelledError("the client went away");
      if (snap.shutting_down) return Draining();
      while (state.generation() == snap.generation && !ctx.IsCancelled()) {
        state.WaitForChange(snap.generation, kStreamPoll);
      }
      if (ctx.IsCancelled()) return absl::CancelledError("the client cancelled the watch");
      snap = state.Take(service);
    }
  }

  const Gate& gate_;
};

class ServiceSetImpl final : public ServiceSet {
 public:
  explicit ServiceSetImpl(const ServiceDeps& deps)
      : gate_(deps),
        appliance_(gate_), identities_(gate_), credentials_(gate_), requests_(gate_),
        approvals_(gate_), releases_(gate_), reviews_(gate_), audit_(gate_), events_(gate_),
        health_(gate_) {}

  std::vector<grpc::Service*> services() override {
    return {&appliance_, &identities_, &credentials_, &requests_, &approvals_,
            &releases_,  &reviews_,    &audit_,       &events_,   &health_};
  }

 private:
  const Gate gate_;
  ApplianceService appliance_;
  IdentitiesService identities_;
  CredentialsService credentials_;
  RequestsService requests_;
  ApprovalsService approvals_;
  ReleasesService releases_;
  ReviewsService reviews_;
  AuditService audit_;
  EventsService events_;
  HealthService health_;
};

}  // namespace

std::unique_ptr<ServiceSet> MakeServices(const ServiceDeps& deps) {
  return std::make_unique<ServiceSetImpl>(deps);
}

}  // namespace breakglass::api
