#include "vault/core/policy.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "vault/core/flat_json.h"

namespace breakglass::core {
namespace {

absl::Status FieldError(std::string_view field, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("policy.", std::string(field), ": ",
                                                 std::string(what)));
}

absl::Status ValidateFactor(const Factor& f, size_t i, std::map<std::string, std::string>& owner) {
  const std::string field = absl::StrCat("factors[", i, "]");
  if (auto s = ValidateName("policy." + field + ".name", f.name); !s.ok()) return s;
  if (f.custodians.empty()) return FieldError(field + ".custodians", "must not be empty");
  for (size_t j = 0; j < f.custodians.size(); ++j) {
    const std::string& c = f.custodians[j];
    const std::string cfield = absl::StrCat(field, ".custodians[", j, "]");
    if (auto s = ValidateName("policy." + cfield, c); !s.ok()) return s;
    auto [it, inserted] = owner.emplace(c, f.name);
    if (!inserted) {
      return FieldError(cfield, absl::StrCat("custodian '", c, "' is already in factor '",
                                             it->second,
                                             "'; each custodian counts once, so factors must "
                                             "be disjoint"));
    }
  }
  if (f.required < 1 || static_cast<size_t>(f.required) > f.custodians.size()) {
    return FieldError(field + ".required",
                      absl::StrCat("must be between 1 and the factor's ", f.custodians.size(),
                                   " custodians, got ", f.required));
  }
  return absl::OkStatus();
}

absl::Status ValidateFactors(const PolicySpec& spec) {
  if (spec.factors.empty()) return FieldError("factors", "at least one factor is required");
  if (spec.factors.size() > kMaxFactors) {
    return FieldError("factors", absl::StrCat("at most ", kMaxFactors, " factors"));
  }
  std::map<std::string, std::string> owner;  // custodian -> factor
  std::set<std::string> names;
  for (size_t i = 0; i < spec.factors.size(); ++i) {
    if (auto s = ValidateFactor(spec.factors[i], i, owner); !s.ok()) return s;
    if (!names.insert(spec.factors[i].name).second) {
      return FieldError(absl::StrCat("factors[", i, "].name"),
                        absl::StrCat("duplicate factor name '", spec.factors[i].name, "'"));
    }
  }
  if (owner.size() > kMaxCustodians) {
    return FieldError("factors", absl::StrCat("at most ", kMaxCustodians,
                                              " custodians in all (Shamir over GF(2^8))"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const std::regex>> CompileIncident(const std::string& pattern) {
  if (pattern.empty()) return FieldError("incident_pattern", "must not be empty");
  if (pattern.size() > kMaxIncidentPatternLength) {
    return FieldError("incident_pattern",
                      absl::StrCat("at most ", kMaxIncidentPatternLength, " characters"));
  }
  try {
    return std::make_shared<const std::regex>(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return FieldError("incident_pattern",
                      absl::StrCat("not a valid ECMAScript regular expression: ", e.what()));
  }
}

absl::Status ValidateWindow(std::string_view field, absl::Duration d, absl::Duration max) {
  if (d <= absl::ZeroDuration() || d > max) {
    return FieldError(field, absl::StrCat("must be positive and at most ", absl::FormatDuration(max),
                                          ", got ", absl::FormatDuration(d)));
  }
  return absl::OkStatus();
}

absl::Status ValidateScalars(const PolicySpec& spec, size_t custodians, int threshold) {
  if (threshold < 2) {
    return FieldError("factors", absl::StrCat("a quorum needs at least 2 approvals in all, got ",
                                              threshold));
  }
  if (spec.deny_threshold < 1 || static_cast<size_t>(spec.deny_threshold) > custodians) {
    return FieldError("deny_threshold", absl::StrCat("must be between 1 and the ", custodians,
                                                     " custodians, got ", spec.deny_threshold));
  }
  if (spec.min_reason_length < 1 || static_cast<size_t>(spec.min_reason_length) > kMaxReasonLength) {
    return FieldError("min_reason_length", absl::StrCat("must be between 1 and ", kMaxReasonLength,
                                                        ", got ", spec.min_reason_length));
  }
  if (auto s = ValidateWindow("approval_window", spec.approval_window, kMaxApprovalWindow); !s.ok()) {
    return s;
  }
  if (auto s = ValidateWindow("use_window", spec.use_window, kMaxUseWindow); !s.ok()) return s;
  if (spec.requester_roles.empty()) {
    return FieldError("requester_roles", "at least one role must be allowed to request");
  }
  return absl::OkStatus();
}

absl::Status ValidateReview(const PolicySpec& spec, size_t custodians, int threshold) {
  if (spec.reviewers_required < 1 || spec.reviewers_required > kMaxReviewersRequired) {
    return FieldError("reviewers_required", absl::StrCat("must be between 1 and ",
                                                         kMaxReviewersRequired, ", got ",
                                                         spec.reviewers_required));
  }
  if (auto s = ValidateWindow("review_due", spec.review_due, kMaxReviewDue); !s.ok()) return s;
  if (spec.review_overdue_repeat < kMinReviewOverdueRepeat ||
      spec.review_overdue_repeat > kMaxReviewOverdueRepeat) {
    return FieldError("review_overdue_repeat",
                      absl::StrCat("must be between ", absl::FormatDuration(kMinReviewOverdueRepeat),
                                   " and ", absl::FormatDuration(kMaxReviewOverdueRepeat), ", got ",
                                   absl::FormatDuration(spec.review_overdue_repeat)));
  }
  const int64_t spare = static_cast<int64_t>(custodians) - threshold;
  if (spec.overdue_review_extra_approvals < 0 || spec.overdue_review_extra_approvals > spare) {
    return FieldError("overdue_review_extra_approvals",
                      absl::StrCat("must be between 0 (off) and ", spare,
                                   " (the custodians beyond the threshold of ", threshold,
                                   "), got ", spec.overdue_review_extra_approvals));
  }
  return absl::OkStatus();
}

}  // namespace

QuorumPolicy::QuorumPolicy(PolicySpec spec, std::vector<std::string> custodians, int threshold,
                           std::shared_ptr<const std::regex> incident)
    : spec_(std::move(spec)),
      custodians_(std::move(custodians)),
      threshold_(threshold),
      incident_(std::move(incident)) {}

absl::StatusOr<QuorumPolicy> QuorumPolicy::Create(PolicySpec spec) {
  if (auto s = ValidateFactors(spec); !s.ok()) return s;
  std::vector<std::string> custodians;
  int threshold = 0;
  for (const Factor& f : spec.factors) {
    custodians.insert(custodians.end(), f.custodians.begin(), f.custodians.end());
    threshold += f.required;
  }
  if (auto s = ValidateScalars(spec, custodians.size(), threshold); !s.ok()) return s;
  if (auto s = ValidateReview(spec, custodians.size(), threshold); !s.ok()) return s;
  auto incident = CompileIncident(spec.incident_pattern);
  if (!incident.ok()) return incident.status();
  return QuorumPolicy(std::move(spec), std::move(custodians), threshold, *std::move(incident));
}

Evaluation QuorumPolicy::Evaluate(const std::set<std::string>& approvals,
                                  const std::set<std::string>& denials,
                                  int extra_approvals) const {
  Evaluation e;
  size_t denied = 0;
  bool all_met = true;
  int surplus = 0;  // approvals beyond what their factor requires
  std::string blocked;
  for (const Factor& f : spec_.factors) {
    int yes = 0, no = 0;
    for (const std::string& c : f.custodians) {
      if (approvals.count(c) != 0) ++yes, e.approvers.push_back(c);
      if (denials.count(c) != 0) ++no;
    }
    denied += static_cast<size_t>(no);
    all_met &= yes >= f.required;
    surplus += std::max(0, yes - f.required);
    if (static_cast<int>(f.custodians.size()) - no < f.required && blocked.empty()) blocked = f.name;
    if (!e.summary.empty()) e.summary += ", ";
    absl::StrAppend(&e.summary, f.name, " ", yes, "/", f.required);
  }
  if (extra_approvals > 0) {
    absl::StrAppend(&e.summary, ", overdue review +", extra_approvals, " ",
                    std::min(surplus, extra_approvals), "/", extra_approvals);
    all_met &= surplus >= extra_approvals;
  }
  std::sort(e.approvers.begin(), e.approvers.end());
  if (denied >= static_cast<size_t>(spec_.deny_threshold)) {
    e.outcome = Outcome::kDenied;
    e.summary = absl::StrCat(denied, " denials reached the deny threshold of ", spec_.deny_threshold);
  } else if (!blocked.empty()) {
    e.outcome = Outcome::kDenied;
    e.summary = absl::StrCat("factor '", blocked, "' can no longer be met after denials");
  } else if (all_met) {
    e.outcome = Outcome::kMet;
  }
  return e;
}

absl::Status QuorumPolicy::CheckIncident(std::string_view id) const {
  if (id.empty() || id.size() > 128 || !std::regex_match(id.begin(), id.end(), *incident_)) {
    return absl::InvalidArgumentError(
        absl::StrCat("incident: '", std::string(id.substr(0, 128)),
                     "' does not match the credential's incident pattern ", spec_.incident_pattern,
                     " (the whole id must match)"));
  }
  return absl::OkStatus();
}

absl::Status QuorumPolicy::CheckReason(std::string_view reason) const {
  if (reason.size() < static_cast<size_t>(spec_.min_reason_length)) {
    return absl::InvalidArgumentError(
        absl::StrCat("reason: at least ", spec_.min_reason_length, " bytes are required, got ",
                     reason.size(), "; say what is broken and why this credential is needed"));
  }
  if (reason.size() > kMaxReasonLength || !IsValidUtf8(reason)) {
    return absl::InvalidArgumentError(
        absl::StrCat("reason: must be UTF-8 text of at most ", kMaxReasonLength, " bytes"));
  }
  return absl::OkStatus();
}

absl::Status QuorumPolicy::CheckRequesterRoles(std::string_view requester,
                                               const RoleSet& roles) const {
  for (Role r : roles) {
    if (spec_.requester_roles.count(r) != 0) return absl::OkStatus();
  }
  return absl::PermissionDeniedError(
      absl::StrCat("requester: '", std::string(requester), "' has roles [", RoleSetString(roles),
                   "] but this credential may only be requested by [",
                   RoleSetString(spec_.requester_roles), "]"));
}

bool QuorumPolicy::IsCustodian(std::string_view name) const { return ShareIndex(name) != 0; }

int QuorumPolicy::ShareIndex(std::string_view name) const {
  for (size_t i = 0; i < custodians_.size(); ++i) {
    if (custodians_[i] == name) return static_cast<int>(i) + 1;
  }
  return 0;
}

}  // namespace breakglass::core
