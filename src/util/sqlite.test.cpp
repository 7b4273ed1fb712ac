#include "src/util/sqlite.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>

namespace sqlite = parley::sqlite;

namespace {

sqlite::connection memory_db() {
  auto db = sqlite::connection::open(":memory:");
  REQUIRE(db);
  REQUIRE(db->exec("CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER, note TEXT)"));
  return std::move(*db);
}

std::int64_t count(sqlite::connection& db) {
  sqlite::statement s(db.get(), "SELECT count(*) FROM t");
  REQUIRE(s.step() == SQLITE_ROW);
  return s.column_int(0);
}

}  // namespace

TEST_CASE("sqlite: bind, step, read columns and reset", "[util]") {
  auto db = memory_db();
  sqlite::statement ins(db.get(), "INSERT INTO t VALUES (?1, ?2, ?3)", SQLITE_PREPARE_PERSISTENT);
  REQUIRE(ins.valid());
  REQUIRE(db.run(ins.bind(1, std::string_view("a")).bind(2, std::int64_t{7}).bind_null(3)));
  ins.reset();
  REQUIRE(db.run(ins.bind(1, std::string_view("b")).bind(2, std::int64_t{-1}).bind(3, "x")));
  sqlite::statement sel(db.get(), "SELECT k, n, note FROM t ORDER BY k");
  REQUIRE(sel.step() == SQLITE_ROW);
  CHECK(sel.column_text(0) == "a");
  CHECK(sel.column_int(1) == 7);
  CHECK(sel.column_is_null(2));
  CHECK(sel.column_text(2).empty());
  REQUIRE(sel.step() == SQLITE_ROW);
  CHECK(sel.column_int(1) == -1);
  CHECK(sel.column_text(2) == "x");
  CHECK(sel.step() == SQLITE_DONE);
}

TEST_CASE("sqlite: a statement that does not prepare says so", "[util]") {
  auto db = memory_db();
  sqlite::statement bad(db.get(), "SELEKT 1");
  CHECK_FALSE(bad.valid());
  CHECK(bad.prepare_error() == SQLITE_ERROR);
  CHECK(bad.step() == SQLITE_MISUSE);
  auto r = db.run(bad);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == parley::errc::internal);
  sqlite::statement moved = std::move(bad);
  CHECK_FALSE(moved.valid());
}

TEST_CASE("sqlite: exec and run errors carry SQLite's message and the prefix", "[util]") {
  sqlite::open_options how;
  how.error_prefix = "state: ";
  auto db = sqlite::connection::open(":memory:", how);
  REQUIRE(db);
  auto r = db->exec("CREATE TABLE");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == parley::errc::io_error);
  CHECK(r.error().message.rfind("state: ", 0) == 0);
  REQUIRE(db->exec("CREATE TABLE u (k TEXT PRIMARY KEY)"));
  sqlite::statement ins(db->get(), "INSERT INTO u VALUES ('x')");
  REQUIRE(db->run(ins));
  sqlite::statement again(db->get(), "INSERT INTO u VALUES ('x')");
  auto dup = db->run(again);
  REQUIRE_FALSE(dup);
  CHECK(dup.error().message.find("UNIQUE") != std::string::npos);
}

TEST_CASE("sqlite: a transaction rolls back unless committed", "[util]") {
  auto db = memory_db();
  {
    sqlite::transaction tx(db);
    REQUIRE(tx.begun());
    REQUIRE(db.exec("INSERT INTO t VALUES ('gone', 1, NULL)"));
  }
  CHECK(count(db) == 0);
  {
    sqlite::transaction tx(db);
    REQUIRE(tx.begun());
    REQUIRE(db.exec("INSERT INTO t VALUES ('kept', 1, NULL)"));
    REQUIRE(tx.commit());
  }
  CHECK(count(db) == 1);
}

TEST_CASE("sqlite: a private file is created 0600; a missing directory is an io_error", "[util]") {
  const auto dir = std::filesystem::temp_directory_path() / "parley-util-sqlite-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "state.db").string();
  sqlite::open_options how;
  how.name = "the test database";
  how.private_file = true;
  {
    auto db = sqlite::connection::open(path, how);
    REQUIRE(db);
    REQUIRE(db->exec("CREATE TABLE t (k TEXT)"));
  }
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto missing = sqlite::connection::open((dir / "no" / "such.db").string(), how);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == parley::errc::io_error);
  CHECK(missing.error().message.find("the test database") != std::string::npos);
  auto plain = sqlite::connection::open((dir / "no" / "such.db").string());
  REQUIRE_FALSE(plain);
  CHECK(plain.error().message.find("cannot open SQLite database") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("sqlite: busy and locked are the transient errors", "[util]") {
  CHECK(sqlite::is_busy(SQLITE_BUSY));
  CHECK(sqlite::is_busy(SQLITE_LOCKED));
  CHECK(sqlite::is_busy(SQLITE_BUSY_SNAPSHOT));
  CHECK_FALSE(sqlite::is_busy(SQLITE_ERROR));
  CHECK_FALSE(sqlite::is_busy(SQLITE_OK));
}

TEST_CASE("sqlite: bind_all binds in order and a row reads left to right", "[util]") {
  auto db = memory_db();
  sqlite::statement ins(db.get(), "INSERT INTO t VALUES (?1, ?2, ?3)");
  const std::optional<std::string> none;
  REQUIRE(db.run(ins.bind_all(std::string("a"), std::size_t{3}, none)));
  sqlite::statement ins2(db.get(), "INSERT INTO t VALUES (?1, ?2, ?3)");
  REQUIRE(db.run(ins2.bind_all(std::string_view("b"), 4, std::optional<std::string>("n"))));
  sqlite::statement sel(db.get(), "SELECT k, n, note FROM t ORDER BY k");
  REQUIRE(sel.step() == SQLITE_ROW);
  {
    sqlite::row r(sel);
    CHECK(r.text() == "a");
    CHECK(r.integer() == 3);
    CHECK_FALSE(r.optional_text());
  }
  REQUIRE(sel.step() == SQLITE_ROW);
  sqlite::row r(sel);
  CHECK(r.text() == "b");
  CHECK(r.integer() == 4);
  CHECK(r.optional_text() == std::optional<std::string>("n"));
}
