#include "vault/core/lifecycle.h"

#include <catch2/catch.hpp>
#include <set>

namespace breakglass::core {
namespace {

using S = RequestState;
constexpr S kAll[] = {S::kPending, S::kApproved, S::kReleased, S::kReviewed,
                      S::kDenied,  S::kExpired,  S::kCancelled};

TEST_CASE("Only the lifecycle's edges are allowed", "[lifecycle]") {
  const std::set<std::pair<S, S>> edges = {
      {S::kPending, S::kApproved}, {S::kPending, S::kDenied},   {S::kPending, S::kExpired},
      {S::kPending, S::kCancelled}, {S::kApproved, S::kReleased}, {S::kReleased, S::kReviewed},
  };
  for (S from : kAll) {
    for (S to : kAll) {
      INFO(RequestStateName(from) << " -> " << RequestStateName(to));
      const absl::Status s = CheckTransition(from, to);
      CHECK(s.ok() == (edges.count({from, to}) == 1));
      if (!s.ok()) CHECK(s.code() == absl::StatusCode::kFailedPrecondition);
    }
  }
}

TEST_CASE("States round-trip and terminal states are the ends", "[lifecycle]") {
  for (S s : kAll) CHECK(*ParseRequestState(RequestStateName(s)) == s);
  CHECK(ParseRequestState("bogus").status().code() == absl::StatusCode::kDataLoss);
  CHECK(IsTerminal(S::kReviewed));
  CHECK(IsTerminal(S::kCancelled));
  CHECK_FALSE(IsTerminal(S::kReleased));
  CHECK(*ParseCredentialState("exposed") == CredentialState::kExposed);
  CHECK_FALSE(ParseCredentialState("open").ok());
}

}  // namespace
}  // namespace breakglass::core
