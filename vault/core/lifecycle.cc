#include "vault/core/lifecycle.h"

#include <array>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace breakglass::core {
namespace {

constexpr std::array<std::pair<RequestState, std::string_view>, 7> kStates = {{
    {RequestState::kPending, "pending"},
    {RequestState::kApproved, "approved"},
    {RequestState::kReleased, "released"},
    {RequestState::kReviewed, "reviewed"},
    {RequestState::kDenied, "denied"},
    {RequestState::kExpired, "expired"},
    {RequestState::kCancelled, "cancelled"},
}};

}  // namespace

std::string_view RequestStateName(RequestState state) {
  for (const auto& [s, name] : kStates) {
    if (s == state) return name;
  }
  return "unknown";
}

absl::StatusOr<RequestState> ParseRequestState(std::string_view name) {
  for (const auto& [s, n] : kStates) {
    if (n == name) return s;
  }
  return absl::DataLossError(
      absl::StrCat("stored request state '", std::string(name), "' is not a known state"));
}

bool IsTerminal(RequestState state) {
  return state == RequestState::kReviewed || state == RequestState::kDenied ||
         state == RequestState::kExpired || state == RequestState::kCancelled;
}

absl::Status CheckTransition(RequestState from, RequestState to) {
  using S = RequestState;
  bool ok = false;
  switch (from) {
    case S::kPending:
      ok = to == S::kApproved || to == S::kDenied || to == S::kExpired || to == S::kCancelled;
      break;
    case S::kApproved: ok = to == S::kReleased; break;
    case S::kReleased: ok = to == S::kReviewed; break;
    default: ok = false;
  }
  if (ok) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat("request is ", std::string(RequestStateName(from)),
                                                    "; it cannot become ",
                                                    std::string(RequestStateName(to))));
}

std::string_view CredentialStateName(CredentialState state) {
  return state == CredentialState::kSealed ? "sealed" : "exposed";
}

absl::StatusOr<CredentialState> ParseCredentialState(std::string_view name) {
  if (name == "sealed") return CredentialState::kSealed;
  if (name == "exposed") return CredentialState::kExposed;
  return absl::DataLossError(
      absl::StrCat("stored credential state '", std::string(name), "' is not a known state"));
}

}  // namespace breakglass::core
