#include "backends/sqlite/sqlite_handle.hpp"

#include <utility>

namespace parley::sqlite {

namespace {

// By default every connection preallocates room for 20 cache pages (about
// 87 KiB) the first time it reads, and writes through all of it: with three
// connections a quarter of an idle session's heap. Pages are allocated as
// they are needed instead. This must run before SQLite initializes, hence at
// static initialization (SQLITE_MISUSE afterwards, harmlessly).
[[maybe_unused]] const int page_cache_configured = sqlite3_config(SQLITE_CONFIG_PAGECACHE, nullptr, 0, 0);

}  // namespace

statement::statement(sqlite3* db, std::string_view sql) {
  prepare_rc_ = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                   SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
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

statement::~statement() { sqlite3_finalize(stmt_); }

void statement::bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

void statement::bind(int index, std::int64_t v) { sqlite3_bind_int64(stmt_, index, v); }

void statement::bind_null(int index) { sqlite3_bind_null(stmt_, index); }

int statement::step() { return sqlite3_step(stmt_); }

void statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t statement::column_int(int col) const { return sqlite3_column_int64(stmt_, col); }

std::string statement::column_text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  const int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(p, static_cast<std::size_t>(n)) : std::string();
}

bool statement::column_is_null(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

connection::connection(connection&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

connection& connection::operator=(connection&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

connection::~connection() { sqlite3_close_v2(db_); }

result<connection> connection::open(const std::string& path) {
  connection c;
  // NOMUTEX: every connection is used by one thread at a time under our own
  // mutex, so SQLite's per-call locking would be paid for nothing.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
                    SQLITE_OPEN_URI;
  const int rc = sqlite3_open_v2(path.c_str(), &c.db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = c.db_ ? sqlite3_errmsg(c.db_) : sqlite3_errstr(rc);
    return fail(errc::io_error, "cannot open SQLite database '" + path + "': " + msg +
                                    " (check that the directory exists and is writable)");
  }
  sqlite3_extended_result_codes(c.db_, 1);
  return c;
}

result<void> connection::exec(std::string_view sql) {
  std::string owned(sql);
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, owned.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return fail(is_busy(rc) ? errc::backend_unavailable : errc::io_error, msg);
  }
  return {};
}

std::string connection::last_error() const { return db_ ? sqlite3_errmsg(db_) : "not open"; }

bool is_busy(int rc) noexcept {
  const int primary = rc & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

}  // namespace parley::sqlite
