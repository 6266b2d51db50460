#include "vault/store/sqlite/statement.h"

#include <sqlite3.h>

#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "vault/store/sqlite/error.h"

namespace breakglass::store::sqlite {

Statement::Statement(sqlite3* db, sqlite3_stmt* stmt, std::string sql)
    : db_(db), stmt_(stmt), sql_(std::move(sql)) {}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Check(int rc, int index) {
  if (rc != SQLITE_OK && bind_status_.ok()) {
    bind_status_ = internal::SqliteError(
        db_, rc, absl::StrCat("bind parameter ", index, " of `", sql_, "`"));
  }
  return *this;
}

Statement& Statement::BindInt64(int index, int64_t value) {
  return Check(sqlite3_bind_int64(stmt_, index, value), index);
}

Statement& Statement::BindUint64(int index, uint64_t value) {
  if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    if (bind_status_.ok()) {
      bind_status_ = absl::InvalidArgumentError(absl::StrCat(
          "sqlite: bind parameter ", index, " of `", sql_, "`: value exceeds 2^63-1"));
    }
    return *this;
  }
  return BindInt64(index, static_cast<int64_t>(value));
}

Statement& Statement::BindText(int index, std::string_view value) {
  return Check(sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                                   SQLITE_UTF8),
               index);
}

Statement& Statement::BindBlob(int index, std::string_view value) {
  // A zero-length blob must still be a blob, not NULL: pass a non-null pointer.
  const char* data = value.empty() ? "" : value.data();
  return Check(sqlite3_bind_blob64(stmt_, index, data, value.size(), SQLITE_TRANSIENT), index);
}

Statement& Statement::BindNull(int index) { return Check(sqlite3_bind_null(stmt_, index), index); }

absl::StatusOr<bool> Statement::Step() {
  if (!bind_status_.ok()) return bind_status_;
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return internal::SqliteError(db_, rc, absl::StrCat("step `", sql_, "`"));
}

absl::Status Statement::Run() {
  absl::StatusOr<bool> row = Step();
  if (!row.ok()) return row.status();
  if (*row) {
    return absl::FailedPreconditionError(
        absl::StrCat("sqlite: `", sql_, "` returned a row where none was expected"));
  }
  return absl::OkStatus();
}

bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int64_t Statement::ColumnInt64(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::ColumnText(int column) const { return std::string(ColumnView(column)); }

std::string Statement::ColumnBlob(int column) const { return std::string(ColumnView(column)); }

std::string_view Statement::ColumnView(int column) const {
  // sqlite3_column_blob first, then _bytes, as the SQLite docs require.
  const void* data = sqlite3_column_blob(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr || size <= 0) return {};
  return {static_cast<const char*>(data), static_cast<size_t>(size)};
}

int64_t Statement::Changes() const { return sqlite3_changes64(db_); }

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_status_ = absl::OkStatus();
}

ScopedStatement::ScopedStatement(Statement* cached) : stmt_(cached) { stmt_->in_use_ = true; }

ScopedStatement::ScopedStatement(std::unique_ptr<Statement> owned)
    : stmt_(owned.get()), owned_(std::move(owned)) {}

ScopedStatement::ScopedStatement(ScopedStatement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), owned_(std::move(other.owned_)) {}

ScopedStatement::~ScopedStatement() {
  if (stmt_ == nullptr) return;
  stmt_->Reset();
  if (owned_ == nullptr) stmt_->in_use_ = false;
}

}  // namespace breakglass::store::sqlite
