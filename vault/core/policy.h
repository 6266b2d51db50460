// QuorumPolicy: who must approve before a credential is released
// (DESIGN.md "Quorum release — the invariants", issue 5 "Policy and identities").
//
// A policy is an AND of factors, each "`required` approvals from this set of
// custodians" (e.g. 2 of the DBA custodians AND 1 of security). Factor sets
// are disjoint, so each custodian counts once; the credential's Shamir
// threshold is the sum of the factors' `required` and its shares go to the
// union of the factors' custodians, in the order they are listed (share index
// = position + 1). The appliance enforces the factor structure; the Shamir
// threshold makes fewer approvals than the whole quorum cryptographically
// useless.
//
// The policy also carries: the deny threshold (k denials end a request), the
// incident-id pattern (ECMAScript std::regex, matched against the WHOLE id),
// the minimum reason length (bytes), the approval window (time to collect
// approvals from request creation), the use window (time to fetch after
// release), and the roles allowed to request.
//
// Post-incident review (issue 7; vault.h "Reviews"): how many distinct
// reviewers must sign the review of each release (`reviewers_required`),
// when it is due after the release (`review_due`), how often an overdue
// review alerts again (`review_overdue_repeat`), and the blocking policy
// `overdue_review_extra_approvals`: while a release of the credential has an
// overdue review, every request for it needs that many approvals beyond the
// quorum — each factor still needs its own approvals, and on top of them
// that many more from any of the credential's custodians (each custodian
// still counts once). 0 turns blocking off.
//
// Thread-safety: immutable after Create; safe to share between threads.
#ifndef BREAKGLASS_VAULT_CORE_POLICY_H_
#define BREAKGLASS_VAULT_CORE_POLICY_H_

#include <memory>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vault/core/identity.h"

namespace breakglass::core {

// Limits enforced by Create.
inline constexpr size_t kMaxFactors = 16;
inline constexpr size_t kMaxCustodians = 255;  // Shamir over GF(2^8)
inline constexpr size_t kMaxIncidentPatternLength = 256;
inline constexpr size_t kMaxReasonLength = 4096;
inline constexpr absl::Duration kMaxApprovalWindow = absl::Hours(24 * 7);
inline constexpr absl::Duration kMaxUseWindow = absl::Hours(24);
inline constexpr int kMaxReviewersRequired = 16;
inline constexpr absl::Duration kDefaultReviewDue = absl::Hours(72);
inline constexpr absl::Duration kMaxReviewDue = absl::Hours(24 * 365);
inline constexpr absl::Duration kDefaultReviewOverdueRepeat = absl::Hours(24);
inline constexpr absl::Duration kMinReviewOverdueRepeat = absl::Minutes(1);
inline constexpr absl::Duration kMaxReviewOverdueRepeat = absl::Hours(24 * 30);

struct Factor {
  std::string name;                     // e.g. "dba"
  int required = 0;                     // approvals needed from `custodians`
  std::vector<std::string> custodians;  // identity names
};

struct PolicySpec {
  std::vector<Factor> factors;
  int deny_threshold = 1;
  std::string incident_pattern;
  int min_reason_length = 1;
  absl::Duration approval_window = absl::ZeroDuration();
  absl::Duration use_window = absl::ZeroDuration();
  RoleSet requester_roles;
  // Post-incident review (see the file comment).
  int reviewers_required = 1;
  absl::Duration review_due = kDefaultReviewDue;
  absl::Duration review_overdue_repeat = kDefaultReviewOverdueRepeat;
  int overdue_review_extra_approvals = 0;
};

// Where a request stands under a policy.
enum class Outcome { kPending, kMet, kDenied };

struct Evaluation {
  Outcome outcome = Outcome::kPending;
  // The approvals that count (members of some factor), sorted.
  std::vector<std::string> approvers;
  // For people: "dba 1/2, security 0/1" or why it is denied.
  std::string summary;
};

class QuorumPolicy final {
 public:
  // Validates `spec`. INVALID_ARGUMENT naming the field ("policy.factors[1]
  // .required: ...") when: no factors or more than kMaxFactors; a factor name
  // or custodian name invalid or duplicated; a custodian in two factors;
  // `required` outside 1..|custodians|; total threshold < 2 or more than
  // kMaxCustodians custodians; deny_threshold outside 1..|custodians|; the
  // incident pattern empty, too long or not a valid regex; min_reason_length
  // outside 1..kMaxReasonLength; a window not positive or over its maximum;
  // no requester role; reviewers_required outside 1..kMaxReviewersRequired;
  // review_due not positive or over kMaxReviewDue; review_overdue_repeat
  // outside kMinReviewOverdueRepeat..kMaxReviewOverdueRepeat;
  // overdue_review_extra_approvals negative or more than the custodians
  // beyond the threshold (the larger quorum must be reachable).
  static absl::StatusOr<QuorumPolicy> Create(PolicySpec spec);

  // Outcome of these decisions. Names outside every factor are ignored (the
  // caller has already refused them). kDenied when denials reach the deny
  // threshold, or when some factor can no longer be met because too many of
  // its custodians denied; kMet when every factor has its approvals and, when
  // `extra_approvals` > 0 (the blocking policy is in force), that many more
  // approvals than the factors require ("..., overdue review +1 0/1").
  // Extra approvals never make a request denied: they lapse with the block.
  Evaluation Evaluate(const std::set<std::string>& approvals,
                      const std::set<std::string>& denials, int extra_approvals = 0) const;

  // INVALID_ARGUMENT naming "incident" unless the pattern matches all of `id`.
  absl::Status CheckIncident(std::string_view id) const;
  // INVALID_ARGUMENT naming "reason" when shorter than the minimum, longer
  // than kMaxReasonLength or not UTF-8.
  absl::Status CheckReason(std::string_view reason) const;
  // PERMISSION_DENIED unless one of `roles` may request under this policy.
  absl::Status CheckRequesterRoles(std::string_view requester, const RoleSet& roles) const;

  bool IsCustodian(std::string_view name) const;
  // All custodians in share order (factor order, then listed order).
  const std::vector<std::string>& custodians() const { return custodians_; }
  // 1-based Shamir share index of `name`; 0 when not a custodian.
  int ShareIndex(std::string_view name) const;
  // Sum of the factors' `required`: the Shamir threshold.
  int threshold() const { return threshold_; }
  const PolicySpec& spec() const { return spec_; }

 private:
  QuorumPolicy(PolicySpec spec, std::vector<std::string> custodians, int threshold,
               std::shared_ptr<const std::regex> incident);

  PolicySpec spec_;
  std::vector<std::string> custodians_;
  int threshold_;
  std::shared_ptr<const std::regex> incident_;
};

}  // namespace breakglass::core

#endif  // BREAKGLASS_VAULT_CORE_POLICY_H_
