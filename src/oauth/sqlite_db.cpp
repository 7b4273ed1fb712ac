#include "src/oauth/sqlite_db.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <utility>

namespace parley::oauth::sql {

statement::statement(sqlite3* db, std::string_view sql) {
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
      SQLITE_OK) {
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
  }
}

statement::~statement() {
  sqlite3_finalize(stmt_);
}

statement& statement::bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

statement& statement::bind(int index, std::int64_t v) {
  sqlite3_bind_int64(stmt_, index, v);
  return *this;
}

statement& statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

int statement::step() {
  return stmt_ ? sqlite3_step(stmt_) : SQLITE_MISUSE;
}

std::int64_t statement::column_int(int col) const {
  return sqlite3_column_int64(stmt_, col);
}

std::string statement::column_text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  const int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(p, static_cast<std::size_t>(n)) : std::string();
}

bool statement::column_is_null(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

database::database(database&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

database& database::operator=(database&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

database::~database() {
  sqlite3_close_v2(db_);
}

result<database> database::open(const std::string& path) {
  // Created here rather than by SQLite so that the mode is 0600 from the
  // first byte; SQLite gives the -wal and -shm files the same mode.
  if (path != ":memory:") {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
      return fail(errc::io_error, "cannot create the gateway state database '" + path +
                                      "' (check that the directory exists and is writable)");
    ::close(fd);
  }
  database d;
  const int rc =
      sqlite3_open_v2(path.c_str(), &d.db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK)
    return fail(errc::io_error, "cannot open the gateway state database '" + path +
                                    "': " + (d.db_ ? sqlite3_errmsg(d.db_) : sqlite3_errstr(rc)));
  sqlite3_extended_result_codes(d.db_, 1);
  return d;
}

result<void> database::exec(std::string_view sql) {
  std::string owned(sql);
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, owned.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return fail(errc::io_error, "gateway state database: " + msg);
  }
  return {};
}

result<void> database::run(statement& stmt) {
  if (!stmt.valid()) return fail(errc::internal, "gateway state database: " + last_error());
  const int rc = stmt.step();
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return fail(errc::io_error, "gateway state database: " + last_error());
  return {};
}

std::string database::last_error() const {
  return db_ ? sqlite3_errmsg(db_) : "not open";
}

}  // namespace parley::oauth::sql
