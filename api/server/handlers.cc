#include "api/server/handlers.h"

#include "absl/strings/str_cat.h"

namespace breakglass::api {
namespace {

pb::Role ToProto(Role role) {
  switch (role) {
    case Role::kOperator: return pb::ROLE_OPERATOR;
    case Role::kCustodian: return pb::ROLE_CUSTODIAN;
    case Role::kRequester: return pb::ROLE_REQUESTER;
    case Role::kReviewer: return pb::ROLE_REVIEWER;
    case Role::kAuditor: return pb::ROLE_AUDITOR;
  }
  return pb::ROLE_UNSPECIFIED;
}

absl::Status NotWiredYet(std::string_view rpc) {
  return absl::UnimplementedError(absl::StrCat(
      std::string(rpc),
      " is not available in this build of breakglassd: the vault core is not wired in "
      "yet. Upgrade breakglassd."));
}

}  // namespace

absl::Status Handlers::WhoAmI(const Caller& caller, const pb::WhoAmIRequest&,
                              pb::WhoAmIResponse* response) {
  pb::Identity* identity = response->mutable_identity();
  identity->set_name(caller.identity);
  for (Role role : caller.roles) identity->add_roles(ToProto(role));
  identity->set_active(true);
  return absl::OkStatus();
}

// RPCs whose core is not wired in yet.
#define BG_API_NOT_WIRED(Method)                                                  \
  absl::Status Handlers::Method(const Caller&, const pb::Method##Request&,        \
                                pb::Method##Response*) {                          \
    return NotWiredYet(#Method);                                                  \
  }
BG_API_NOT_WIRED(Init)
BG_API_NOT_WIRED(GetStatus)
BG_API_NOT_WIRED(AddIdentity)
BG_API_NOT_WIRED(ListIdentities)
BG_API_NOT_WIRED(RemoveIdentity)
BG_API_NOT_WIRED(AddCredential)
BG_API_NOT_WIRED(ListCredentials)
BG_API_NOT_WIRED(GetCredential)
BG_API_NOT_WIRED(RotateCredential)
BG_API_NOT_WIRED(CreateRequest)
BG_API_NOT_WIRED(ListRequests)
BG_API_NOT_WIRED(GetRequest)
BG_API_NOT_WIRED(CancelRequest)
BG_API_NOT_WIRED(GetStatement)
BG_API_NOT_WIRED(Approve)
BG_API_NOT_WIRED(Deny)
BG_API_NOT_WIRED(Fetch)
BG_API_NOT_WIRED(GetReviewStatement)
BG_API_NOT_WIRED(SubmitReview)
BG_API_NOT_WIRED(GetCheckpoint)
BG_API_NOT_WIRED(GetInclusionProof)
BG_API_NOT_WIRED(GetConsistencyProof)
BG_API_NOT_WIRED(GetEntries)
BG_API_NOT_WIRED(GetTpmEvidence)
#undef BG_API_NOT_WIRED

absl::Status Handlers::ExportBundle(const Caller&, const pb::ExportBundleRequest&,
                                    const StreamWriter<pb::BundleChunk>&) {
  return NotWiredYet("ExportBundle");
}

absl::Status Handlers::Watch(const Caller&, const pb::WatchRequest&,
                             const StreamWriter<pb::WatchResponse>&,
                             const std::function<bool()>&) {
  return NotWiredYet("Watch");
}

}  // namespace breakglass::api
