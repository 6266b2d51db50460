#include "vault/store/sqlite/schema.h"

#include <catch2/catch.hpp>
#include <vector>

#include "vault/store/testing/temp_dir.h"

namespace breakglass::store::sqlite {
namespace {

using testing::TempDir;

std::unique_ptr<Database> OpenOrDie(const std::string& path) {
  auto db = Database::Open(path);
  REQUIRE(db.ok());
  return std::move(*db);
}

bool HasTable(Database& db, const std::string& name) {
  auto stmt = db.Prepare("SELECT count(*) FROM sqlite_schema WHERE type='table' AND name=?");
  (*stmt)->BindText(1, name);
  REQUIRE(*(*stmt)->Step());
  return (*stmt)->ColumnInt64(0) == 1;
}

const std::vector<Migration> kAudit = {
    {"audit", 1, "CREATE TABLE a1(x INTEGER);"},
    {"audit", 2, "CREATE TABLE a2(x INTEGER);"},
};
const std::vector<Migration> kCore = {{"core", 1, "CREATE TABLE c1(x INTEGER);"}};

TEST_CASE("Migrations of several components apply once and are recorded", "[schema]") {
  TempDir dir;
  auto db = OpenOrDie(dir.File("state.db"));
  std::vector<Migration> all = kAudit;
  all.insert(all.end(), kCore.begin(), kCore.end());
  REQUIRE(ApplyMigrations(*db, all).ok());
  REQUIRE(HasTable(*db, "a1"));
  REQUIRE(HasTable(*db, "a2"));
  REQUIRE(HasTable(*db, "c1"));
  REQUIRE(*ComponentVersion(*db, "audit") == 2);
  REQUIRE(*ComponentVersion(*db, "core") == 1);
  REQUIRE(ApplyMigrations(*db, all).ok());  // nothing pending: a no-op, not "table exists"
}

TEST_CASE("A later step applies on its own to an older database", "[schema]") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  REQUIRE(ApplyMigrations(*OpenOrDie(path), std::vector<Migration>{kAudit[0]}).ok());
  auto db = OpenOrDie(path);
  REQUIRE_FALSE(HasTable(*db, "a2"));
  REQUIRE(ApplyMigrations(*db, kAudit).ok());
  REQUIRE(HasTable(*db, "a2"));
  REQUIRE(*ComponentVersion(*db, "audit") == 2);
}

TEST_CASE("A component newer than this binary is refused, naming both versions", "[schema]") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  REQUIRE(ApplyMigrations(*OpenOrDie(path), kAudit).ok());
  auto db = OpenOrDie(path);
  const absl::Status s = ApplyMigrations(*db, std::vector<Migration>{kAudit[0]});
  REQUIRE(s.code() == absl::StatusCode::kFailedPrecondition);
  REQUIRE_THAT(std::string(s.message()), Catch::Contains("'audit' is at version 2") &&
                                             Catch::Contains("up to version 1"));
}

TEST_CASE("Malformed migration lists are rejected before anything runs", "[schema]") {
  TempDir dir;
  auto db = OpenOrDie(dir.File("state.db"));
  const std::vector<Migration> gap = {{"audit", 1, "CREATE TABLE g1(x);"},
                                      {"audit", 3, "CREATE TABLE g3(x);"}};
  REQUIRE(ApplyMigrations(*db, gap).code() == absl::StatusCode::kInvalidArgument);
  const std::vector<Migration> dup = {{"audit", 1, "CREATE TABLE g1(x);"},
                                      {"audit", 1, "CREATE TABLE g2(x);"}};
  REQUIRE(ApplyMigrations(*db, dup).code() == absl::StatusCode::kInvalidArgument);
  const std::vector<Migration> bad_name = {{"Audit-Log", 1, "CREATE TABLE g1(x);"}};
  REQUIRE(ApplyMigrations(*db, bad_name).code() == absl::StatusCode::kInvalidArgument);
  REQUIRE_FALSE(HasTable(*db, "g1"));
}

TEST_CASE("A failing step leaves the database as it was", "[schema]") {
  TempDir dir;
  auto db = OpenOrDie(dir.File("state.db"));
  const std::vector<Migration> steps = {{"audit", 1, "CREATE TABLE ok1(x INTEGER);"},
                                        {"core", 1, "CREATE TABLE broken(;"}};
  const absl::Status s = ApplyMigrations(*db, steps);
  REQUIRE_FALSE(s.ok());
  REQUIRE_THAT(std::string(s.message()), Catch::Contains("migration core v1"));
  REQUIRE_FALSE(HasTable(*db, "ok1"));
  REQUIRE(*ComponentVersion(*db, "audit") == 0);
}

}  // namespace
}  // namespace breakglass::store::sqlite
