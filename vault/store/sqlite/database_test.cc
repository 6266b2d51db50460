#include "vault/store/sqlite/database.h"

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "vault/store/sqlite/transaction.h"
#include "vault/store/testing/temp_dir.h"

namespace breakglass::store::sqlite {
namespace {

using testing::TempDir;

std::string Msg(const absl::Status& s) { return std::string(s.message()); }

std::unique_ptr<Database> OpenOrDie(const std::string& path, DatabaseOptions options = {}) {
  auto db = Database::Open(path, options);
  INFO(db.status().ToString());
  REQUIRE(db.ok());
  return std::move(*db);
}

// Writes with the raw C API, to build files that breakglass would not write.
void RawExec(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

TEST_CASE("Open configures WAL, FULL sync, foreign keys and claims the file", "[sqlite]") {
  TempDir dir;
  auto db = OpenOrDie(dir.File("state.db"));
  auto scalar = [&](const char* sql) {
    auto v = db->QueryInt64(sql);
    REQUIRE(v.ok());
    return *v;
  };
  REQUIRE(scalar("PRAGMA synchronous") == 2);  // FULL
  REQUIRE(scalar("PRAGMA foreign_keys") == 1);
  REQUIRE(scalar("PRAGMA application_id") == Database::kApplicationId);
  REQUIRE(scalar("PRAGMA user_version") == Database::kFormatVersion);
  auto mode = db->Prepare("PRAGMA journal_mode");
  REQUIRE(mode.ok());
  REQUIRE(*(*mode)->Step());
  REQUIRE((*mode)->ColumnText(0) == "wal");
}

TEST_CASE("Reopening our own file succeeds and keeps its data", "[sqlite]") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  REQUIRE(OpenOrDie(path)->Exec("CREATE TABLE t(x INTEGER); INSERT INTO t VALUES (7);").ok());
  auto db = OpenOrDie(path);
  REQUIRE(*db->QueryInt64("SELECT x FROM t") == 7);
}

TEST_CASE("Open refuses a file that is not SQLite, naming the path", "[sqlite]") {
  TempDir dir;
  const std::string path = dir.File("notes.txt");
  std::ofstream(path) << std::string(4096, 'x');
  auto db = Database::Open(path);
  REQUIRE(db.status().code() == absl::StatusCode::kDataLoss);
  REQUIRE_THAT(Msg(db.status()), Catch::Contains(path));
}

TEST_CASE("Open refuses another application's SQLite database", "[sqlite]") {
  TempDir dir;
  const std::string path = dir.File("other.db");
  RawExec(path, "CREATE TABLE contacts(name TEXT);");
  auto db = Database::Open(path);
  REQUIRE(db.status().code() == absl::StatusCode::kFailedPrecondition);
  REQUIRE_THAT(Msg(db.status()), Catch::Contains("not a breakglass database"));
  // And it was not modified: still no application id, still rollback-journal.
  RawExec(path, "SELECT 1;");
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  REQUIRE(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))) == "delete");
  sqlite3_finalize(stmt);
  sqlite3_close(raw);
}

TEST_CASE("Open refuses a database written by a newer store format", "[sqlite]") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  OpenOrDie(path);
  RawExec(path, "PRAGMA user_version = 99;");
  auto db = Database::Open(path);
  REQUIRE(db.status().code() == absl::StatusCode::kFailedPrecondition);
  REQUIRE_THAT(Msg(db.status()), Catch::Contains("format version 99"));
}

TEST_CASE("A reader refuses an uninitialised file and cannot write", "[sqlite]") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  REQUIRE(Database::Open(path, {.read_only = true}).status().code() ==
          absl::StatusCode::kUnavailable);  // does not exist: never created by a reader
  RawExec(path, "");                          // an empty file
  REQUIRE(Database::Open(path, {.read_only = true}).status().code() ==
          absl::StatusCode::kFailedPrecondition);
  REQUIRE(OpenOrDie(path)->Exec("CREATE TABLE t(x INTEGER);").ok());
  auto reader = OpenOrDie(path, {.read_only = true});
  REQUIRE(*reader->QueryInt64("SELECT count(*) FROM t") == 0);
  REQUIRE_FALSE(reader->Exec("INSERT INTO t VALUES (1);").ok());
}

TEST_CASE("Statements bind and read typed values", "[sqlite]") {
  TempDir dir;
  auto db = OpenOrDie(dir.File("state.db"));
  REQUIRE(db->Exec("CREATE TABLE t(i INTEGER, s TEXT, b BLOB, n INTEGER);").ok());
  {
    auto ins = db->Prepare("INSERT INTO t VALUES (?, ?, ?, ?)");
    REQUIRE(ins.ok());
    (*ins)->BindInt64(1, -5).BindText(2, "h\xc3\xa9llo").BindBlob(3, std::string("\0\1", 2));
    (*ins)->BindNull(4);
    REQUIRE((*ins)->Run().ok());
    REQUIRE((*ins)->Changes() == 1);
  }
  auto sel = db->Prepare("SELECT i, s, b, n, typeof(b) FROM t");
  REQUIRE(sel.ok());
  REQUIRE(*(*sel)->Step());
  REQUIRE((*sel)->ColumnInt64(0) == -5);
  REQUIRE((*sel)->ColumnText(1) == "h\xc3\xa9llo");
  REQUIRE((*sel)->ColumnBlob(2) == std::string("\0\1", 2));
  REQUIRE((*sel)->ColumnIsNull(3));
  REQUIRE((*sel)->ColumnText(4) == "blob");
  REQUIRE_FALSE(*(*sel)->Step());
}

TEST_CASE("An empty blob is stored as a blob, not NULL", "[sqlite]") {
  TempDir dir;
  auto db = OpenOrDie(dir.File("state.db"));
  REQUIRE(db->Exec("CREATE TABLE t(b BLOB NOT NULL);").ok());
  auto ins = db->Prepare("INSERT INTO t VALUES (?)");
  (*ins)->BindBlob(1, "");
  REQUIRE((*ins)->Run().ok());
}

TEST_CASE("Errors name the SQL and SQLite's message", "[sqlite]") {
  TempDir dir;
  auto db = OpenOrDie(dir.File("state.db"));
  auto bad = db->Prepare("SELEKT 1");
  REQUIRE(bad.status().code() == absl::StatusCode::kInternal);
  REQUIRE_THAT(Msg(bad.status()), Catch::Contains("SELEKT 1") && Catch::Contains("syntax error"));

  REQUIRE_FALSE(db->Prepare("SELECT 1; SELECT 2").ok());

  REQUIRE(db->Exec("CREATE TABLE t(k INTEGER PRIMARY KEY, v TEXT NOT NULL);").ok());
  auto ins = db->Prepare("INSERT INTO t VALUES (?, ?)");
  (*ins)->BindInt64(1, 1).BindText(2, "secret-value");
  REQUIRE((*ins)->Run().ok());
  (*ins)->Reset();
  (*ins)->BindInt64(1, 1).BindText(2, "secret-value");
  const absl::Status dup = (*ins)->Run();
  REQUIRE(dup.code() == absl::StatusCode::kAlreadyExists);
  REQUIRE_THAT(Msg(dup), Catch::Contains("INSERT INTO t VALUES (?, ?)"));
  REQUIRE_THAT(Msg(dup), !Catch::Contains("secret-value"));  // bound values stay out
}

TEST_CASE("Bind errors are sticky and reported by Step", "[sqlite]") {
  TempDir dir;
  auto db = OpenOrDie(dir.File("state.db"));
  auto stmt = db->Prepare("SELECT ?");
  (*stmt)->BindInt64(7, 1).BindInt64(1, 2);  // index 7 does not exist
  REQUIRE((*stmt)->Step().status().code() == absl::StatusCode::kInternal);
  (*stmt)->Reset();
  (*stmt)->BindUint64(1, ~uint64_t{0});
  REQUIRE((*stmt)->Step().status().code() == absl::StatusCode::kInvalidArgument);
  (*stmt)->Reset();
  (*stmt)->BindUint64(1, 42);
  REQUIRE(*(*stmt)->Step());
  REQUIRE((*stmt)->ColumnInt64(0) == 42);
}

TEST_CASE("A cached statement on loan is not handed out twice", "[sqlite]") {
  TempDir dir;
  auto db = OpenOrDie(dir.File("state.db"));
  auto a = db->Prepare("SELECT ?");
  auto b = db->Prepare("SELECT ?");
  REQUIRE(&**a != &**b);
  (*a)->BindInt64(1, 1);
  (*b)->BindInt64(1, 2);
  REQUIRE(*(*a)->Step());
  REQUIRE(*(*b)->Step());
  REQUIRE((*a)->ColumnInt64(0) == 1);
  REQUIRE((*b)->ColumnInt64(0) == 2);
}

TEST_CASE("A transaction commits, or rolls back when dropped", "[sqlite]") {
  TempDir dir;
  auto db = OpenOrDie(dir.File("state.db"));
  REQUIRE(db->Exec("CREATE TABLE t(x INTEGER);").ok());
  {
    auto tx = Transaction::Begin(*db);
    REQUIRE(tx.ok());
    REQUIRE(db->Exec("INSERT INTO t VALUES (1);").ok());
    REQUIRE(tx->Commit().ok());
  }
  {
    auto tx = Transaction::Begin(*db);
    REQUIRE(db->Exec("INSERT INTO t VALUES (2);").ok());
  }
  REQUIRE_FALSE(db->InTransaction());
  REQUIRE(*db->QueryInt64("SELECT sum(x) FROM t") == 1);
}

TEST_CASE("A second writer waits for the busy timeout, then gets UNAVAILABLE", "[sqlite]") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  auto a = OpenOrDie(path);
  auto b = OpenOrDie(path, {.busy_timeout = absl::Milliseconds(20)});
  auto tx = Transaction::Begin(*a);
  REQUIRE(tx.ok());
  REQUIRE(Transaction::Begin(*b).status().code() == absl::StatusCode::kUnavailable);
}

TEST_CASE("A savepoint rolls back only its own work", "[sqlite]") {
  TempDir dir;
  auto db = OpenOrDie(dir.File("state.db"));
  REQUIRE(db->Exec("CREATE TABLE t(x INTEGER);").ok());
  auto tx = Transaction::Begin(*db);
  REQUIRE(db->Exec("INSERT INTO t VALUES (1);").ok());
  {
    auto sp = Savepoint::Begin(*db);
    REQUIRE(sp.ok());
    REQUIRE(db->Exec("INSERT INTO t VALUES (10);").ok());
    {
      auto inner = Savepoint::Begin(*db);
      REQUIRE(db->Exec("INSERT INTO t VALUES (100);").ok());
      REQUIRE(inner->Release().ok());
    }
  }  // dropped: undoes 10 and 100
  {
    auto sp = Savepoint::Begin(*db);
    REQUIRE(db->Exec("INSERT INTO t VALUES (1000);").ok());
    REQUIRE(sp->Release().ok());
  }
  REQUIRE(tx->Commit().ok());
  REQUIRE(*db->QueryInt64("SELECT sum(x) FROM t") == 1001);
}

}  // namespace
}  // namespace breakglass::store::sqlite
