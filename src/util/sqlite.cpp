#include "src/util/sqlite.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <utility>

namespace parley::sqlite {

statement::statement(sqlite3* db, std::string_view sql, unsigned prepare_flags) {
  prepare_rc_ = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), prepare_flags,
                                   &stmt_, nullptr);
  if (prepare_rc_ != SQLITE_OK) {
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
  }
}

statement::statement(statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), prepare_rc_(other.prepare_rc_) {}

statement& statement::operator=(statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
    prepare_rc_ = other.prepare_rc_;
  }
  return *this;
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

void statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
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

connection::connection(connection&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), error_prefix_(std::move(other.error_prefix_)) {}

connection& connection::operator=(connection&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
    error_prefix_ = std::move(other.error_prefix_);
  }
  return *this;
}

connection::~connection() {
  sqlite3_close_v2(db_);
}

result<connection> connection::open(const std::string& path, const open_options& options) {
  constexpr std::string_view hint = " (check that the directory exists and is writable)";
  if (options.private_file && path != ":memory:") {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
      return fail(errc::io_error,
                  "cannot create " + options.name + " '" + path + "'" + std::string(hint));
    ::close(fd);
  }
  connection c;
  c.error_prefix_ = options.error_prefix;
  // NOMUTEX: every connection is used by one thread at a time under our own
  // mutex, so SQLite's per-call locking would be paid for nothing.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
                    (options.uri ? SQLITE_OPEN_URI : 0);
  const int rc = sqlite3_open_v2(path.c_str(), &c.db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = c.db_ ? sqlite3_errmsg(c.db_) : sqlite3_errstr(rc);
    return fail(errc::io_error,
                "cannot open " + options.name + " '" + path + "': " + msg + std::string(hint));
  }
  sqlite3_extended_result_codes(c.db_, 1);
  return c;
}

error connection::failure(int rc, std::string message) const {
  return error{is_busy(rc) ? errc::backend_unavailable : errc::io_error,
               error_prefix_ + std::move(message)};
}

result<void> connection::exec(std::string_view sql) {
  std::string owned(sql);
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, owned.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return failure(rc, std::move(msg));
  }
  return {};
}

result<void> connection::run(statement& stmt) {
  if (!stmt.valid()) return fail(errc::internal, error_prefix_ + last_error());
  const int rc = stmt.step();
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return failure(rc, last_error());
  return {};
}

std::string connection::last_error() const {
  return db_ ? sqlite3_errmsg(db_) : "not open";
}

bool is_busy(int rc) noexcept {
  const int primary = rc & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

}  // namespace parley::sqlite
