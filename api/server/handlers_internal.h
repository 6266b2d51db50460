// Helpers shared by the handler files (handlers_*.cc); not part of the API.
//
// Thread-safety: pure functions.
#ifndef BREAKGLASS_API_SERVER_HANDLERS_INTERNAL_H_
#define BREAKGLASS_API_SERVER_HANDLERS_INTERNAL_H_

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace breakglass::api {

inline constexpr char kServerVersion[] = "breakglassd 0.1.0";
// Largest credential secret accepted (bytes).
inline constexpr size_t kMaxSecretBytes = 64 * 1024;

// INVALID_ARGUMENT naming `field` unless 1..kMaxSecretBytes bytes.
inline absl::Status CheckSecret(std::string_view field, const std::string& secret) {
  if (!secret.empty() && secret.size() <= kMaxSecretBytes) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(std::string(field), ": must be 1..",
                                                 kMaxSecretBytes, " bytes (got ", secret.size(),
                                                 ")"));
}

// Largest free-text field (reasons, descriptions), bytes.
inline constexpr size_t kMaxTextBytes = 1024;

// INVALID_ARGUMENT naming `field` unless 1..kMaxTextBytes bytes (0.. when
// `optional`).
inline absl::Status CheckText(std::string_view field, const std::string& text,
                              bool optional = false) {
  if ((optional || !text.empty()) && text.size() <= kMaxTextBytes) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(std::string(field), ": must be ",
                                                 optional ? "0" : "1", "..", kMaxTextBytes,
                                                 " bytes (got ", text.size(), ")"));
}

// The core names fields after its own types ("credential.id",
// "request.release_key"); the API's callers know the proto's. Rewrites the
// leading field name of an INVALID_ARGUMENT message by the first matching
// prefix in `renames`; other statuses pass through.
using FieldRenames = std::initializer_list<std::pair<std::string_view, std::string_view>>;
absl::Status InProtoTerms(const absl::Status& status, FieldRenames renames);

// The RPCs' field renames.
inline constexpr std::pair<std::string_view, std::string_view> kCredentialId{"credential.id",
                                                                             "id"};
inline constexpr std::pair<std::string_view, std::string_view> kApprovalWindow{
    "policy.approval_window:", "policy.approval_window_seconds:"};
inline constexpr std::pair<std::string_view, std::string_view> kUseWindow{
    "policy.use_window:", "policy.use_window_seconds:"};
inline constexpr std::pair<std::string_view, std::string_view> kReviewDue{
    "policy.review_due:", "policy.review_due_seconds:"};
inline constexpr std::pair<std::string_view, std::string_view> kReviewOverdueRepeat{
    "policy.review_overdue_repeat:", "policy.review_overdue_repeat_seconds:"};

}  // namespace breakglass::api

#endif  // BREAKGLASS_API_SERVER_HANDLERS_INTERNAL_H_
