// Statement: one prepared SQLite statement (RAII over sqlite3_stmt), with typed
// binding and column access. ScopedStatement: a statement borrowed from a
// Database's cache, reset and returned when the scope ends.
//
// Binding is chained and its errors are sticky: the first failed Bind* is
// reported by the next Step()/Run(), so call sites read as
//   stmt->BindInt64(1, seq).BindBlob(2, leaf);
//   BG_RETURN_IF_ERROR(stmt->Run());
// Errors name the SQL text and sqlite3_errmsg, never the bound values.
//
// Thread-safety: none. A Statement belongs to its Database's connection, which
// is used by one thread at a time.
#ifndef BREAKGLASS_VAULT_STORE_SQLITE_STATEMENT_H_
#define BREAKGLASS_VAULT_STORE_SQLITE_STATEMENT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

struct sqlite3;
struct sqlite3_stmt;

namespace breakglass::store::sqlite {

class Database;

class Statement final {
 public:
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Parameters are 1-based, as in SQLite. Text must be UTF-8; blobs are raw.
  // The bytes are copied (SQLITE_TRANSIENT), so arguments may die at once.
  Statement& BindInt64(int index, int64_t value);
  // INVALID_ARGUMENT (at Step) when `value` does not fit an SQLite integer.
  Statement& BindUint64(int index, uint64_t value);
  Statement& BindText(int index, std::string_view value);
  Statement& BindBlob(int index, std::string_view value);
  Statement& BindNull(int index);

  // Advances one row. true: a row is available through Column*; false: done.
  // Errors: the first bind error, or the mapped SQLite error (see error.h).
  absl::StatusOr<bool> Step();
  // Runs a statement that returns no rows to completion. FAILED_PRECONDITION
  // if it produced a row.
  absl::Status Run();

  // Column access for the current row (0-based). A NULL reads as 0 / "".
  bool ColumnIsNull(int column) const;
  int64_t ColumnInt64(int column) const;
  std::string ColumnText(int column) const;
  std::string ColumnBlob(int column) const;
  // Zero-copy view of a blob or text column, valid until the next Step,
  // Reset or destruction.
  std::string_view ColumnView(int column) const;

  // Rows changed by the last completed INSERT/UPDATE/DELETE on the connection.
  int64_t Changes() const;

  // Rewinds the statement and clears bindings and the sticky bind error.
  void Reset();

  const std::string& sql() const { return sql_; }

 private:
  friend class Database;
  friend class ScopedStatement;
  Statement(sqlite3* db, sqlite3_stmt* stmt, std::string sql);
  Statement& Check(int rc, int index);

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string sql_;
  absl::Status bind_status_;
  bool in_use_ = false;  // borrowed through a ScopedStatement
};

// A Statement on loan from Database::Prepare. On destruction it is reset (so a
// SELECT does not hold its read snapshot open) and returned to the cache.
// Must not outlive the Database it came from.
class ScopedStatement final {
 public:
  ScopedStatement(ScopedStatement&& other) noexcept;
  ScopedStatement& operator=(ScopedStatement&&) = delete;
  ScopedStatement(const ScopedStatement&) = delete;
  ~ScopedStatement();

  Statement* operator->() const { return stmt_; }
  Statement& operator*() const { return *stmt_; }

 private:
  friend class Database;
  // Borrows a cached statement.
  explicit ScopedStatement(Statement* cached);
  // Owns a one-off statement (the cached one was already on loan).
  explicit ScopedStatement(std::unique_ptr<Statement> owned);

  Statement* stmt_;
  std::unique_ptr<Statement> owned_;
};

}  // namespace breakglass::store::sqlite

#endif  // BREAKGLASS_VAULT_STORE_SQLITE_STATEMENT_H_
