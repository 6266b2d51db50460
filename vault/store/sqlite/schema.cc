#include "vault/store/sqlite/schema.h"

#include <algorithm>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"
#include "vault/store/sqlite/transaction.h"

namespace breakglass::store::sqlite {
namespace {

using StepsByComponent = std::map<std::string, std::vector<const Migration*>>;

bool ValidName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || c == '_';
  });
}

absl::StatusOr<StepsByComponent> Group(std::span<const Migration> steps) {
  StepsByComponent by;
  for (const Migration& m : steps) {
    if (!ValidName(m.component)) {
      return absl::InvalidArgumentError(
          absl::StrCat("migration component name '", m.component, "' must match [a-z_]+"));
    }
    by[m.component].push_back(&m);
  }
  for (auto& [name, list] : by) {
    std::sort(list.begin(), list.end(),
              [](const Migration* a, const Migration* b) { return a->version < b->version; });
    for (size_t i = 0; i < list.size(); ++i) {
      if (list[i]->version != static_cast<int64_t>(i + 1)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "migrations of component '", name, "' must be numbered 1..", list.size(),
            " without gaps or duplicates; found version ", list[i]->version, " at position ",
            i + 1));
      }
    }
  }
  return by;
}

absl::Status SetVersion(Database& db, const std::string& component, int64_t version) {
  BG_ASSIGN_OR_RETURN(ScopedStatement stmt,
                      db.Prepare("INSERT INTO breakglass_schema(component, version) VALUES(?, ?) "
                                 "ON CONFLICT(component) DO UPDATE SET version = excluded.version"));
  stmt->BindText(1, component).BindInt64(2, version);
  return stmt->Run();
}

// Applies the steps of one component newer than its stored version. Sets
// `*pending` when there were any.
absl::Status Upgrade(Database& db, const std::string& component,
                     const std::vector<const Migration*>& list, bool apply, bool* pending) {
  BG_ASSIGN_OR_RETURN(const int64_t current, ComponentVersion(db, component));
  const auto latest = static_cast<int64_t>(list.size());
  if (current > latest) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the database schema of '", component, "' is at version ", current,
        " but this breakglass knows only up to version ", latest,
        "; run the newer breakglass that wrote it, or restore a matching backup"));
  }
  if (current < latest) *pending = true;
  if (!apply) return absl::OkStatus();
  for (int64_t v = current + 1; v <= latest; ++v) {
    BG_RETURN_IF_ERROR(base::Annotate(db.Exec(list[v - 1]->sql),
                                      absl::StrCat("migration ", component, " v", v)));
  }
  if (current == latest) return absl::OkStatus();
  return SetVersion(db, component, latest);
}

}  // namespace

absl::StatusOr<int64_t> ComponentVersion(Database& db, std::string_view component) {
  BG_ASSIGN_OR_RETURN(ScopedStatement stmt,
                      db.Prepare("SELECT version FROM breakglass_schema WHERE component = ?"));
  stmt->BindText(1, component);
  BG_ASSIGN_OR_RETURN(const bool row, stmt->Step());
  return row ? stmt->ColumnInt64(0) : 0;
}

absl::Status ApplyMigrations(Database& db, std::span<const Migration> steps) {
  BG_ASSIGN_OR_RETURN(const StepsByComponent by, Group(steps));
  bool pending = false;
  if (db.read_only()) {
    for (const auto& [name, list] : by) BG_RETURN_IF_ERROR(Upgrade(db, name, list, false, &pending));
    if (!pending) return absl::OkStatus();
    return absl::FailedPreconditionError(
        "the database schema is older than this breakglass; open it read-write once to migrate");
  }
  BG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(db));
  for (const auto& [name, list] : by) BG_RETURN_IF_ERROR(Upgrade(db, name, list, true, &pending));
  return tx.Commit();
}

}  // namespace breakglass::store::sqlite
