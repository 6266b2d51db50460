// Handlers: what each breakglass.v1 RPC does once the server has admitted the
// caller (mTLS identity resolved, role checked against the RPC table). They
// check the wire format (INVALID_ARGUMENT naming the field for bad enums,
// missing messages, sizes), translate between protobuf messages and the
// core's types (api/server/convert.h) and call the core through the Backend.
// The core checks everything else (names, policy, signatures, state) and its
// errors already name the field or the component.
//
// Handlers never check roles (the table did) and never see gRPC types. Before
// `breakglass init`, everything but Init, GetStatus, WhoAmI and Watch is
// FAILED_PRECONDITION "not initialised". In rollback recovery the gate lets
// only the RPCs the table marks through (CheckRecovery).
//
// Thread-safety: all methods may be called from many threads at once.
#ifndef BREAKGLASS_API_SERVER_HANDLERS_H_
#define BREAKGLASS_API_SERVER_HANDLERS_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "api/proto/breakglass/v1/breakglass.pb.h"
#include "api/server/backend.h"
#include "api/server/roles.h"
#include "vault/core/identity.h"

namespace breakglass::api {

namespace pb = ::breakglass::v1;

// The admitted caller of one RPC.
struct Caller {
  std::string identity;  // the client certificate's CN
  RoleSet roles;         // empty for RPCs open to any authenticated peer
};

// Delivers one message of a server stream; false when the client is gone
// (the handler then stops and returns).
template <typename T>
using StreamWriter = std::function<bool(const T&)>;

class Handlers final {
 public:
  // `backend` is borrowed and must outlive the handlers.
  explicit Handlers(Backend* backend) : backend_(backend) {}
  Handlers(const Handlers&) = delete;
  Handlers& operator=(const Handlers&) = delete;

#define BG_API_UNARY_HANDLER(Method) \
  absl::Status Method(const Caller& caller, const pb::Method##Request& request, \
                      pb::Method##Response* response)
  BG_API_UNARY_HANDLER(Init);
  BG_API_UNARY_HANDLER(GetStatus);
  BG_API_UNARY_HANDLER(GetRollbackClearStatement);
  BG_API_UNARY_HANDLER(ApproveRollbackClear);
  BG_API_UNARY_HANDLER(AddIdentity);
  BG_API_UNARY_HANDLER(ListIdentities);
  BG_API_UNARY_HANDLER(RemoveIdentity);
  BG_API_UNARY_HANDLER(WhoAmI);
  BG_API_UNARY_HANDLER(AddCredential);
  BG_API_UNARY_HANDLER(ListCredentials);
  BG_API_UNARY_HANDLER(GetCredential);
  BG_API_UNARY_HANDLER(RotateCredential);
  BG_API_UNARY_HANDLER(CreateRequest);
  BG_API_UNARY_HANDLER(ListRequests);
  BG_API_UNARY_HANDLER(GetRequest);
  BG_API_UNARY_HANDLER(CancelRequest);
  BG_API_UNARY_HANDLER(GetStatement);
  BG_API_UNARY_HANDLER(Approve);
  BG_API_UNARY_HANDLER(Deny);
  BG_API_UNARY_HANDLER(Fetch);
  BG_API_UNARY_HANDLER(GetReviewStatement);
  BG_API_UNARY_HANDLER(SubmitReview);
  BG_API_UNARY_HANDLER(GetCheckpoint);
  BG_API_UNARY_HANDLER(GetInclusionProof);
  BG_API_UNARY_HANDLER(GetConsistencyProof);
  BG_API_UNARY_HANDLER(GetEntries);
  BG_API_UNARY_HANDLER(GetTpmEvidence);
#undef BG_API_UNARY_HANDLER

  // OK unless the appliance is in rollback recovery and `method` is not
  // served then (rpc_table.h RecoveryRefusal). The gate asks before running
  // a handler.
  absl::Status CheckRecovery(std::string_view method) const;

  // The gate refused a call to `method` by `identity` (its certificate CN,
  // "" when unusable) with `why` (UNAUTHENTICATED or PERMISSION_DENIED):
  // a `login_failed` audit event (Vault::RecordRefusedCall). Nothing is
  // written before `init`, nor in rollback recovery (the disputed store's
  // facts, which custodians sign, must not move). The caller's refusal
  // stands whatever this returns.
  absl::Status RecordRefusedCall(std::string_view identity, std::string_view method,
                                 const absl::Status& why) const;

  // Anchors the routine events after the latest checkpoint (best effort),
  // then exports the bundle in a scratch directory and streams its files in
  // chunks of at most 64 KiB (each file's last chunk carries its SHA-256).
  absl::Status ExportBundle(const Caller& caller, const pb::ExportBundleRequest& request,
                            const StreamWriter<pb::BundleChunk>& write);

  // Sends `ready`, then each audit event committed after it (leaves are
  // polled every 200 ms), until `write` fails or `stop` returns true.
  absl::Status Watch(const Caller& caller, const pb::WatchRequest& request,
                     const StreamWriter<pb::WatchResponse>& write,
                     const std::function<bool()>& stop);

 private:
  // The vault, or FAILED_PRECONDITION "not initialised".
  absl::StatusOr<core::Vault*> RequireVault() const;
  // The stored identity `name` (active or not), nullopt if unknown.
  absl::StatusOr<std::optional<core::Identity>> FindIdentity(const std::string& name) const;
  absl::Status CredentialInto(const std::string& id, pb::Credential* out) const;
  absl::Status RequestInto(const std::string& id, pb::Request* out) const;
  // Anchors leaves past the latest checkpoint, if any; errors are ignored.
  void AnchorTail() const;

  Backend* const backend_;
};

}  // namespace breakglass::api

#endif  // BREAKGLASS_API_SERVER_HANDLERS_H_
