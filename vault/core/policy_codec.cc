#include "vault/core/policy_codec.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "vault/base/status.h"
#include "vault/core/flat_json.h"

namespace breakglass::core {
namespace {

std::string FactorKey(size_t i, std::string_view member) {
  return absl::StrCat("factor.", i, ".", std::string(member));
}

absl::StatusOr<int> SmallInt(const FlatJson& j, const std::string& key) {
  BG_ASSIGN_OR_RETURN(int64_t v, j.GetInt(key));
  if (v < 0 || v > 1'000'000) {
    return absl::InvalidArgumentError(absl::StrCat("'", key, "' is out of range"));
  }
  return static_cast<int>(v);
}

// Seconds up to ten years (review durations exceed SmallInt's range).
absl::StatusOr<absl::Duration> DurationSeconds(const FlatJson& j, const std::string& key) {
  BG_ASSIGN_OR_RETURN(int64_t v, j.GetInt(key));
  if (v < 0 || v > int64_t{10} * 366 * 86400) {
    return absl::InvalidArgumentError(absl::StrCat("'", key, "' is out of range"));
  }
  return absl::Seconds(v);
}

bool Has(const FlatJson& j, std::string_view key) { return j.members().count(key) != 0; }

// The review members, each defaulted when absent (policies stored before them).
absl::Status DecodeReview(const FlatJson& j, PolicySpec& spec) {
  if (Has(j, "reviewers_required")) {
    BG_ASSIGN_OR_RETURN(spec.reviewers_required, SmallInt(j, "reviewers_required"));
  }
  if (Has(j, "review_due_s")) {
    BG_ASSIGN_OR_RETURN(spec.review_due, DurationSeconds(j, "review_due_s"));
  }
  if (Has(j, "review_overdue_repeat_s")) {
    BG_ASSIGN_OR_RETURN(spec.review_overdue_repeat, DurationSeconds(j, "review_overdue_repeat_s"));
  }
  if (Has(j, "overdue_review_extra_approvals")) {
    BG_ASSIGN_OR_RETURN(spec.overdue_review_extra_approvals,
                        SmallInt(j, "overdue_review_extra_approvals"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Factor> DecodeFactor(const FlatJson& j, size_t i) {
  Factor f;
  BG_ASSIGN_OR_RETURN(f.name, j.GetString(FactorKey(i, "name")));
  BG_ASSIGN_OR_RETURN(f.required, SmallInt(j, FactorKey(i, "required")));
  BG_ASSIGN_OR_RETURN(std::string custodians, j.GetString(FactorKey(i, "custodians")));
  for (absl::string_view c : absl::StrSplit(custodians, ',', absl::SkipEmpty())) {
    f.custodians.emplace_back(c);
  }
  return f;
}

}  // namespace

absl::StatusOr<std::string> EncodePolicy(const PolicySpec& spec) {
  FlatJson j;
  j.Set("approval_window_s", absl::ToInt64Seconds(spec.approval_window))
      .Set("deny_threshold", int64_t{spec.deny_threshold})
      .Set("factors", static_cast<int64_t>(spec.factors.size()))
      .Set("incident_pattern", spec.incident_pattern)
      .Set("min_reason_length", int64_t{spec.min_reason_length})
      .Set("overdue_review_extra_approvals", int64_t{spec.overdue_review_extra_approvals})
      .Set("requester_roles", RoleSetString(spec.requester_roles))
      .Set("review_due_s", absl::ToInt64Seconds(spec.review_due))
      .Set("review_overdue_repeat_s", absl::ToInt64Seconds(spec.review_overdue_repeat))
      .Set("reviewers_required", int64_t{spec.reviewers_required})
      .Set("use_window_s", absl::ToInt64Seconds(spec.use_window));
  for (size_t i = 0; i < spec.factors.size(); ++i) {
    const Factor& f = spec.factors[i];
    j.Set(FactorKey(i, "name"), f.name)
        .Set(FactorKey(i, "required"), int64_t{f.required})
        .Set(FactorKey(i, "custodians"), absl::StrJoin(f.custodians, ","));
  }
  return j.Encode();
}

absl::StatusOr<PolicySpec> DecodePolicy(std::string_view text) {
  BG_ASSIGN_OR_RETURN(FlatJson j, FlatJson::Parse(text));
  PolicySpec spec;
  BG_ASSIGN_OR_RETURN(int approval_s, SmallInt(j, "approval_window_s"));
  BG_ASSIGN_OR_RETURN(int use_s, SmallInt(j, "use_window_s"));
  BG_ASSIGN_OR_RETURN(spec.deny_threshold, SmallInt(j, "deny_threshold"));
  BG_ASSIGN_OR_RETURN(spec.min_reason_length, SmallInt(j, "min_reason_length"));
  BG_ASSIGN_OR_RETURN(spec.incident_pattern, j.GetString("incident_pattern"));
  BG_ASSIGN_OR_RETURN(std::string roles, j.GetString("requester_roles"));
  BG_ASSIGN_OR_RETURN(spec.requester_roles, ParseRoleSet(roles));
  BG_ASSIGN_OR_RETURN(int factors, SmallInt(j, "factors"));
  if (static_cast<size_t>(factors) > kMaxFactors) {
    return absl::InvalidArgumentError("'factors' is out of range");
  }
  spec.approval_window = absl::Seconds(approval_s);
  spec.use_window = absl::Seconds(use_s);
  BG_RETURN_IF_ERROR(DecodeReview(j, spec));
  for (int i = 0; i < factors; ++i) {
    BG_ASSIGN_OR_RETURN(Factor f, DecodeFactor(j, static_cast<size_t>(i)));
    spec.factors.push_back(std::move(f));
  }
  return spec;
}

}  // namespace breakglass::core
