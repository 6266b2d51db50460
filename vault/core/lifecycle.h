// The request lifecycle (DESIGN.md "Quorum release"): the states a break-glass
// request moves through and the only transitions allowed between them.
//
//   pending ──> approved ──> released ──> reviewed
//      │
//      ├──> denied      (deny threshold reached, or a factor can no longer be met)
//      ├──> expired     (approval window passed without quorum)
//      └──> cancelled   (requester or operator withdrew it; credential rotated)
//
// `approved` (quorum met) and `released` (credential sealed to the requester,
// release event logged and anchored) are both entered in the transaction that
// records the final approval, each with its own audit event. Every transition
// is one audit event written in the same transaction as the state change.
// `reviewed` is entered by the review signature that completes the required
// number of reviewers (its `review` event). A released or reviewed request's
// release is additionally `closed` once the credential has been rotated and
// the review is signed (vault.h "Reviews"); that is not a request state but
// a mark on the release, with its own `closed` event.
//
// Credentials have their own state: `sealed` (never released at this
// version) or `exposed` (released at least once since the last rotation).
//
// Thread-safety: pure functions.
#ifndef BREAKGLASS_VAULT_CORE_LIFECYCLE_H_
#define BREAKGLASS_VAULT_CORE_LIFECYCLE_H_

#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace breakglass::core {

enum class RequestState {
  kPending,
  kApproved,
  kReleased,
  kReviewed,
  kDenied,
  kExpired,
  kCancelled,
};

// "pending", "approved", ... — the form stored and logged.
std::string_view RequestStateName(RequestState state);
// Inverse of RequestStateName. DATA_LOSS for an unknown name (only the store
// supplies these).
absl::StatusOr<RequestState> ParseRequestState(std::string_view name);

// True for denied, expired, cancelled and reviewed: nothing more happens.
bool IsTerminal(RequestState state);

// OK when `from` → `to` is an edge of the diagram above; otherwise
// FAILED_PRECONDITION "request is <from>; it cannot become <to>".
absl::Status CheckTransition(RequestState from, RequestState to);

enum class CredentialState { kSealed, kExposed };
std::string_view CredentialStateName(CredentialState state);
absl::StatusOr<CredentialState> ParseCredentialState(std::string_view name);

}  // namespace breakglass::core

#endif  // BREAKGLASS_VAULT_CORE_LIFECYCLE_H_
