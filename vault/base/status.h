// Error handling for breakglass: absl::Status / absl::StatusOr<T> everywhere.
//
// No exceptions cross a module boundary and no function returns bool with the
// reason in a log line. An error message says what failed and what to do about
// it. These macros propagate errors without boilerplate.
#ifndef BREAKGLASS_VAULT_BASE_STATUS_H_
#define BREAKGLASS_VAULT_BASE_STATUS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define BG_INTERNAL_CONCAT_(a, b) a##b
#define BG_INTERNAL_CONCAT(a, b) BG_INTERNAL_CONCAT_(a, b)

// Returns from the enclosing function if `expr` (an absl::Status) is not OK.
#define BG_RETURN_IF_ERROR(expr)                  \
  do {                                            \
    ::absl::Status bg_status_ = (expr);           \
    if (!bg_status_.ok()) return bg_status_;      \
  } while (false)

// `BG_ASSIGN_OR_RETURN(auto x, MakeX());` declares/assigns `x` from a StatusOr
// or returns its error from the enclosing function.
#define BG_ASSIGN_OR_RETURN(lhs, expr) \
  BG_INTERNAL_ASSIGN_OR_RETURN(BG_INTERNAL_CONCAT(bg_statusor_, __LINE__), lhs, expr)
#define BG_INTERNAL_ASSIGN_OR_RETURN(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return std::move(tmp).status();     \
  lhs = std::move(tmp).value()

namespace breakglass::base {

// Prefixes an error with what the caller was doing: "sealing share 3: ...".
// OK passes through unchanged; the code is kept.
absl::Status Annotate(const absl::Status& status, std::string_view context);

}  // namespace breakglass::base

#endif  // BREAKGLASS_VAULT_BASE_STATUS_H_
