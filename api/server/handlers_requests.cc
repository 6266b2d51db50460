// Handlers: requests, approvals, fetch, reviews.
#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/server/convert.h"
#include "api/server/handlers.h"
#include "api/server/handlers_internal.h"
#include "vault/base/status.h"
#include "vault/core/repository.h"
#include "vault/core/review_statement.h"
#include "vault/core/statement.h"
#include "vault/core/vault.h"
#include "vault/store/transaction_runner.h"

namespace breakglass::api {
namespace {

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;
constexpr size_t kMaxSignatureBytes = 512;
constexpr size_t kMaxStatementBytes = 8192;

absl::StatusOr<core::ApprovalStatement> ParseStatement(const std::string& bytes,
                                                       const std::string& signature) {
  if (bytes.empty() || bytes.size() > kMaxStatementBytes) {
    return absl::InvalidArgumentError(
        "statement: required; send the exact bytes GetStatement returned");
  }
  if (signature.empty() || signature.size() > kMaxSignatureBytes) {
    return absl::InvalidArgumentError(
        "signature: required (Ed25519 64 bytes, or ECDSA P-256 raw r||s or DER)");
  }
  absl::StatusOr<core::ApprovalStatement> statement =
      core::ApprovalStatement::FromSignedBytes(bytes);
  if (!statement.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("statement: ", std::string(statement.status().message())));
  }
  return statement;
}

absl::StatusOr<core::ReviewStatement> ParseReviewStatement(const std::string& bytes,
                                                           const std::string& signature) {
  if (bytes.empty() || bytes.size() > kMaxStatementBytes * 4) {
    return absl::InvalidArgumentError(
        "statement: required; send the exact bytes GetReviewStatement returned");
  }
  if (signature.empty() || signature.size() > kMaxSignatureBytes) {
    return absl::InvalidArgumentError(
        "signature: required (Ed25519 64 bytes, or ECDSA P-256 raw r||s or DER)");
  }
  absl::StatusOr<core::ReviewStatement> statement = core::ReviewStatement::FromSignedBytes(bytes);
  if (!statement.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("statement: ", std::string(statement.status().message())));
  }
  return statement;
}

absl::StatusOr<core::ReviewInput> ReviewInputFromProto(const pb::GetReviewStatementRequest& r) {
  core::ReviewInput input;
  BG_ASSIGN_OR_RETURN(input.justified, JustifiedFromProto(r.justified(), "justified"));
  input.actions = r.actions();
  input.findings = r.findings();
  input.follow_ups.assign(r.follow_ups().begin(), r.follow_ups().end());
  return input;
}

// The core's answer when a signed statement differs from its own is about
// the `statement` field: name it.
absl::Status AboutStatement(const absl::Status& status) {
  if (!absl::IsInvalidArgument(status) ||
      !absl::StartsWith(status.message(), "the signed statement")) {
    return status;
  }
  return absl::InvalidArgumentError(absl::StrCat("statement: ", status.message()));
}

}  // namespace

absl::Status Handlers::CreateRequest(const Caller& caller, const pb::CreateRequestRequest& request,
                                     pb::CreateRequestResponse* response) {
  BG_ASSIGN_OR_RETURN(core::Vault * vault, RequireVault());
  BG_RETURN_IF_ERROR(core::ValidateName("credential_id", request.credential_id()));
  core::NewRequest new_request{request.credential_id(), request.incident(), request.reason(),
                               request.release_public_key()};
  absl::StatusOr<core::RequestRecord> created = vault->CreateRequest(caller.identity, new_request);
  BG_RETURN_IF_ERROR(InProtoTerms(created.status(),
                                  {{"request.credential", "credential_id"},
                                   {"request.release_key", "release_public_key"},
                                   {"request.", ""}}));
  return RequestInto(created->id, response->mutable_request());
}

absl::Status Handlers::ListRequests(const Caller&, const pb::ListRequestsRequest& request,
                                    pb::ListRequestsResponse* response) {
  BG_ASSIGN_OR_RETURN(core::Vault * vault, RequireVault());
  if (!request.credential_id().empty()) {
    BG_RETURN_IF_ERROR(core::ValidateName("credential_id", request.credential_id()));
  }
  if (!request.page_token().empty()) {
    return absl::InvalidArgumentError("page_token: not supported yet; leave it empty");
  }
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    return absl::InvalidArgumentError(absl::StrCat("page_size: must be 0..", kMaxPageSize));
  }
  std::set<core::RequestState> states;
  for (int i = 0; i < request.states_size(); ++i) {
    BG_ASSIGN_OR_RETURN(core::RequestState s,
                        StateFromProto(request.states(i), absl::StrCat("states[", i, "]")));
    states.insert(s);
  }
  if (states.empty()) {
    for (int s = pb::REQUEST_STATE_PENDING; s <= pb::REQUEST_STATE_CANCELLED; ++s) {
      states.insert(*StateFromProto(s, "states"));
    }
  }
  std::vector<std::string> ids;
  const std::optional<std::string_view> credential =
      request.credential_id().empty() ? std::nullopt
                                      : std::optional<std::string_view>(request.credential_id());
  BG_RETURN_IF_ERROR(backend_->runner()->Read([&](store::Txn& txn) -> absl::Status {
    for (core::RequestState s : states) {
      BG_ASSIGN_OR_RETURN(auto found, core::repo::FindRequestIds(txn, s, credential, std::nullopt));
      ids.insert(ids.end(), found.begin(), found.end());
    }
    return absl::OkStatus();
  }));
  std::vector<pb::Request> requests;
  for (const std::string& id : ids) {
    BG_ASSIGN_OR_RETURN(core::RequestStatus status, vault->GetRequest(id));
    requests.push_back(RequestToProto(status));
  }
  std::sort(requests.begin(), requests.end(), [](const pb::Request& a, const pb::Request& b) {
    return a.created_unix() != b.created_unix() ? a.created_unix() > b.created_unix()
                                                : a.id() > b.id();
  });
  const size_t limit = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  for (size_t i = 0; i < requests.size() && i < limit; ++i) {
    *response->add_requests() = std::move(requests[i]);
  }
  return absl::OkStatus();
}

absl::Status Handlers::GetRequest(const Caller&, const pb::GetRequestRequest& request,
                                  pb::GetRequestResponse* response) {
  BG_RETURN_IF_ERROR(RequireVault().status());
  BG_RETURN_IF_ERROR(core::ValidateName("id", request.id()));
  return RequestInto(request.id(), response->mutable_request());
}

absl::Status Handlers::CancelRequest(const Caller& caller, const pb::CancelRequestRequest& request,
                                     pb::CancelRequestResponse* response) {
  BG_ASSIGN_OR_RETURN(core::Vault * vault, RequireVault());
  BG_RETURN_IF_ERROR(core::ValidateName("id", request.id()));
  BG_RETURN_IF_ERROR(CheckText("reason", request.reason()));
  BG_RETURN_IF_ERROR(vault->Cancel(caller.identity, request.id(), request.reason()));
  return RequestInto(request.id(), response->mutable_request());
}

absl::Status Handlers::GetStatement(const Caller& caller, const pb::GetStatementRequest& request,
                                    pb::GetStatementResponse* response) {
  BG_ASSIGN_OR_RETURN(core::Vault * vault, RequireVault());
  BG_RETURN_IF_ERROR(core::ValidateName("request_id", request.request_id()));
  BG_ASSIGN_OR_RETURN(core::Decision decision, DecisionFromProto(request.decision(), "decision"));
  BG_ASSIGN_OR_RETURN(core::ApprovalStatement statement,
                      vault->StatementFor(request.request_id(), caller.identity, decision));
  BG_ASSIGN_OR_RETURN(*response->mutable_statement(), statement.SignedBytes());
  return RequestInto(request.request_id(), response->mutable_request());
}

absl::Status Handlers::Approve(const Caller& caller, const pb::ApproveRequest& request,
                               pb::ApproveResponse* response) {
  BG_ASSIGN_OR_RETURN(core::Vault * vault, RequireVault());
  BG_RETURN_IF_ERROR(core::ValidateName("request_id", request.request_id()));
  BG_ASSIGN_OR_RETURN(core::ApprovalStatement statement,
                      ParseStatement(request.statement(), request.signature()));
  BG_RETURN_IF_ERROR(
      vault->Approve(caller.identity, request.request_id(), statement, request.signature())
          .status());
  return RequestInto(request.request_id(), response->mutable_request());
}

absl::Status Handlers::Deny(const Caller& caller, const pb::DenyRequest& request,
                            pb::DenyResponse* response) {
  BG_ASSIGN_OR_RETURN(core::Vault * vault, RequireVault());
  BG_RETURN_IF_ERROR(core::ValidateName("request_id", request.request_id()));
  BG_ASSIGN_OR_RETURN(core::ApprovalStatement statement,
                      ParseStatement(request.statement(), request.signature()));
  BG_RETURN_IF_ERROR(
      vault->Deny(caller.identity, request.request_id(), statement, request.signature()).status());
  return RequestInto(request.request_id(), response->mutable_request());
}

absl::Status Handlers::Fetch(const Caller& caller, const pb::FetchRequest& request,
                             pb::FetchResponse* response) {
  BG_ASSIGN_OR_RETURN(core::Vault * vault, RequireVault());
  BG_RETURN_IF_ERROR(core::ValidateName("request_id", request.request_id()));
  BG_ASSIGN_OR_RETURN(*response->mutable_release_box(),
                      vault->Fetch(caller.identity, request.request_id()));
  return RequestInto(request.request_id(), response->mutable_request());
}

absl::Status Handlers::GetReviewStatement(const Caller& caller,
                                          const pb::GetReviewStatementRequest& request,
                                          pb::GetReviewStatementResponse* response) {
  BG_ASSIGN_OR_RETURN(core::Vault * vault, RequireVault());
  BG_RETURN_IF_ERROR(core::ValidateName("request_id", request.request_id()));
  BG_ASSIGN_OR_RETURN(core::ReviewInput input, ReviewInputFromProto(request));
  absl::StatusOr<core::ReviewStatement> statement =
      vault->ReviewStatementFor(request.request_id(), caller.identity, input);
  BG_RETURN_IF_ERROR(InProtoTerms(statement.status(), {{"review.", ""}}));
  BG_ASSIGN_OR_RETURN(*response->mutable_statement(), statement->SignedBytes());
  return RequestInto(request.request_id(), response->mutable_request());
}

absl::Status Handlers::SubmitReview(const Caller& caller, const pb::SubmitReviewRequest& request,
                                    pb::SubmitReviewResponse* response) {
  BG_ASSIGN_OR_RETURN(core::Vault * vault, RequireVault());
  BG_RETURN_IF_ERROR(core::ValidateName("request_id", request.request_id()));
  BG_ASSIGN_OR_RETURN(core::ReviewStatement statement,
                      ParseReviewStatement(request.statement(), request.signature()));
  BG_RETURN_IF_ERROR(AboutStatement(
      vault->SubmitReview(caller.identity, request.request_id(), statement, request.signature())
          .status()));
  return RequestInto(request.request_id(), response->mutable_request());
}

}  // namespace breakglass::api
