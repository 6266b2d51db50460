// Small helpers shared by the repository's implementation files
// (repository*.cc). Not part of the core's API.
//
// Thread-safety: as the statement they are given.
#ifndef BREAKGLASS_VAULT_CORE_INTERNAL_SQL_HELPERS_H_
#define BREAKGLASS_VAULT_CORE_INTERNAL_SQL_HELPERS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "vault/base/status.h"
#include "vault/store/txn.h"

namespace breakglass::core::repo::internal {

// OK when the statement changed exactly one row; NOT_FOUND "<what> not found".
inline absl::Status Changed(store::sqlite::Statement& stmt, std::string_view what) {
  if (stmt.Changes() == 1) return absl::OkStatus();
  return absl::NotFoundError(absl::StrCat(std::string(what), " not found"));
}

// The first column of every row.
inline absl::StatusOr<std::vector<std::string>> Strings(store::sqlite::ScopedStatement& stmt) {
  std::vector<std::string> out;
  while (true) {
    BG_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return out;
    out.push_back(stmt->ColumnText(0));
  }
}

}  // namespace breakglass::core::repo::internal

#endif  // BREAKGLASS_VAULT_CORE_INTERNAL_SQL_HELPERS_H_
