#include "vault/store/sqlite/database.h"

#include <sqlite3.h>

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "vault/base/status.h"
#include "vault/store/sqlite/error.h"

namespace breakglass::store::sqlite {
namespace {

// Format version 1: the per-component migration bookkeeping of schema.h.
constexpr char kClaimSql[] =
    "CREATE TABLE breakglass_schema ("
    "  component TEXT PRIMARY KEY NOT NULL,"
    "  version INTEGER NOT NULL CHECK (version >= 0)"
    ") STRICT;";

}  // namespace

Database::Database(sqlite3* db, std::string path, bool read_only)
    : db_(db), path_(std::move(path)), read_only_(read_only) {}

Database::~Database() {
  cache_.clear();  // finalize every statement before closing
  sqlite3_close(db_);
}

absl::StatusOr<std::unique_ptr<Database>> Database::Open(std::string path,
                                                         DatabaseOptions options) {
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  if (!options.read_only) flags |= SQLITE_OPEN_CREATE;
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  // sqlite3_open_v2 hands out a handle even on failure; it must be closed.
  std::unique_ptr<Database> db(new Database(raw, path, options.read_only));
  if (rc != SQLITE_OK) {
    return internal::SqliteError(raw, rc, absl::StrCat("opening ", path));
  }
  absl::Status status = db->Configure(options);
  if (status.ok()) status = db->ClaimOrVerify();
  if (!status.ok()) return base::Annotate(status, absl::StrCat("opening ", path));
  return db;
}

absl::Status Database::Configure(const DatabaseOptions& options) {
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, static_cast<int>(absl::ToInt64Milliseconds(options.busy_timeout)));
  // Harden against a crafted database file: no schema-embedded functions with
  // side effects, no writes to the schema through ordinary SQL.
  sqlite3_db_config(db_, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db_, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  return Exec("PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;");
}

absl::Status Database::ClaimOrVerify() {
  // The first read of the header; a file that is not SQLite fails here.
  BG_ASSIGN_OR_RETURN(const int64_t app_id, QueryInt64("PRAGMA application_id"));
  BG_ASSIGN_OR_RETURN(const int64_t format, QueryInt64("PRAGMA user_version"));
  BG_ASSIGN_OR_RETURN(const int64_t objects, QueryInt64("SELECT count(*) FROM sqlite_schema"));
  const bool fresh = app_id == 0 && format == 0 && objects == 0;
  if (fresh && read_only_) {
    return absl::FailedPreconditionError(
        "not a breakglass database yet (empty); open it read-write once to initialise it");
  }
  if (fresh) {
    BG_RETURN_IF_ERROR(Claim());
  } else {
    BG_RETURN_IF_ERROR(VerifyOurs(app_id, format, objects));
  }
  if (!read_only_) {
    BG_ASSIGN_OR_RETURN(ScopedStatement wal, Prepare("PRAGMA journal_mode=WAL"));
    BG_ASSIGN_OR_RETURN(const bool row, wal->Step());
    if (!row || absl::AsciiStrToLower(wal->ColumnText(0)) != "wal") {
      return absl::UnavailableError("could not switch the database to WAL mode");
    }
    return absl::OkStatus();
  }
  return Exec("PRAGMA query_only=ON;");
}

absl::Status Database::Claim() {
  // Re-check inside the write lock: another process may have claimed it.
  BG_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  absl::Status status = [&]() -> absl::Status {
    BG_ASSIGN_OR_RETURN(const int64_t app_id, QueryInt64("PRAGMA application_id"));
    BG_ASSIGN_OR_RETURN(const int64_t format, QueryInt64("PRAGMA user_version"));
    BG_ASSIGN_OR_RETURN(const int64_t objects, QueryInt64("SELECT count(*) FROM sqlite_schema"));
    if (app_id != 0 || format != 0 || objects != 0) return VerifyOurs(app_id, format, objects);
    BG_RETURN_IF_ERROR(Exec(absl::StrCat("PRAGMA application_id=", kApplicationId,
                                         "; PRAGMA user_version=", kFormatVersion, ";")));
    return Exec(kClaimSql);
  }();
  if (status.ok()) status = Exec("COMMIT");
  if (!status.ok() && InTransaction()) Exec("ROLLBACK").IgnoreError();
  return status;
}

absl::Status Database::VerifyOurs(int64_t application_id, int64_t format, int64_t objects) {
  if (application_id != kApplicationId) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "not a breakglass database (application_id 0x%08x, %d schema objects); refusing to "
        "touch it: check the state directory path",
        static_cast<uint32_t>(application_id), objects));
  }
  if (format > kFormatVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the database has store format version ", format, " but this breakglass knows up to ",
        kFormatVersion, "; run the newer breakglass that wrote it, or restore a backup"));
  }
  if (format < 1) {
    return absl::DataLossError(absl::StrCat(
        "the database is marked as breakglass but has store format version ", format,
        "; it was not initialised by breakglass or is damaged"));
  }
  return absl::OkStatus();
}

absl::Status Database::Exec(std::string_view sql) {
  const std::string text(sql);
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  sqlite3_free(err);  // sqlite3_errmsg carries the same text
  if (rc != SQLITE_OK) return internal::SqliteError(db_, rc, absl::StrCat("exec `", text, "`"));
  return absl::OkStatus();
}

absl::StatusOr<ScopedStatement> Database::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end() && !it->second->in_use_) return ScopedStatement(it->second.get());
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &raw, &tail);
  if (rc != SQLITE_OK) {
    return internal::SqliteError(db_, rc, absl::StrCat("prepare `", std::string(sql), "`"));
  }
  auto stmt = std::unique_ptr<Statement>(new Statement(db_, raw, std::string(sql)));
  const std::string_view rest(tail, sql.data() + sql.size() - tail);
  if (raw == nullptr || !absl::StripAsciiWhitespace(absl::string_view(rest.data(), rest.size()))
                             .empty()) {
    return absl::InternalError(absl::StrCat("sqlite: prepare `", std::string(sql),
                                            "`: expected exactly one SQL statement"));
  }
  if (it != cache_.end()) return ScopedStatement(std::move(stmt));  // cached one is on loan
  Statement* cached = stmt.get();
  cache_.emplace(std::string(sql), std::move(stmt));
  return ScopedStatement(cached);
}

absl::StatusOr<int64_t> Database::QueryInt64(std::string_view sql) {
  BG_ASSIGN_OR_RETURN(ScopedStatement stmt, Prepare(sql));
  BG_ASSIGN_OR_RETURN(const bool row, stmt->Step());
  if (!row) {
    return absl::NotFoundError(absl::StrCat("sqlite: `", std::string(sql), "` returned no row"));
  }
  return stmt->ColumnInt64(0);
}

bool Database::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

}  // namespace breakglass::store::sqlite
