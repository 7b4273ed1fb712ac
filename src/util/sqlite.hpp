#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "src/error/result.hpp"

/// The one SQLite RAII layer, used by the SQLite backend and the OAuth grant
/// store. Every connection and statement is used by one thread at a time
/// under its owner's mutex, so connections open without SQLite's own mutex.
namespace parley::sqlite {

/// One prepared statement, finalized on destruction. Bind, step, read
/// columns, reset; never shared between threads.
class statement {
 public:
  statement() = default;
  /// `prepare_flags` is 0 for a statement used once, SQLITE_PREPARE_PERSISTENT
  /// for one kept and re-run for the connection's life.
  statement(sqlite3* db, std::string_view sql, unsigned prepare_flags = 0);
  statement(statement&& other) noexcept;
  statement& operator=(statement&& other) noexcept;
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  ~statement();

  [[nodiscard]] bool valid() const noexcept { return stmt_ != nullptr; }
  [[nodiscard]] int prepare_error() const noexcept { return prepare_rc_; }

  statement& bind(int index, std::string_view text);
  statement& bind(int index, std::int64_t v);
  statement& bind_null(int index);

  /// Binds `?1`, `?2`, … in order: a row's values listed once, as the SQL
  /// lists its columns. Integers of any width bind as int64, an empty
  /// std::optional<std::string> as NULL, anything else as text.
  template <class... Values>
  statement& bind_all(const Values&... values) {
    int index = 0;
    (bind_one(++index, values), ...);
    return *this;
  }

  /// SQLITE_ROW, SQLITE_DONE or an error code (SQLITE_MISUSE when the
  /// statement did not prepare).
  [[nodiscard]] int step();
  /// Ready to run again, bindings cleared.
  void reset();

  [[nodiscard]] std::int64_t column_int(int col) const;
  [[nodiscard]] std::string column_text(int col) const;
  [[nodiscard]] bool column_is_null(int col) const;

 private:
  template <class T>
  void bind_one(int index, const T& v) {
    if constexpr (std::is_integral_v<T>) {
      bind(index, static_cast<std::int64_t>(v));
    } else if constexpr (std::is_same_v<T, std::optional<std::string>>) {
      if (v)
        bind(index, std::string_view(*v));
      else
        bind_null(index);
    } else {
      bind(index, std::string_view(v));
    }
  }

  sqlite3_stmt* stmt_ = nullptr;
  int prepare_rc_ = SQLITE_OK;
};

/// The current row's columns read left to right, so a decoder lists the
/// fields in the order its SELECT names them instead of counting indexes.
class row {
 public:
  explicit row(const statement& s) noexcept : s_(s) {}
  [[nodiscard]] std::string text() { return s_.column_text(col_++); }
  [[nodiscard]] std::int64_t integer() { return s_.column_int(col_++); }
  /// nullopt for NULL.
  [[nodiscard]] std::optional<std::string> optional_text() {
    const int col = col_++;
    if (s_.column_is_null(col)) return std::nullopt;
    return s_.column_text(col);
  }

 private:
  const statement& s_;
  int col_ = 0;
};

/// How to open a connection.
struct open_options {
  /// What the database is, for error messages ("the gateway state database").
  std::string name = "SQLite database";
  /// Create the file with mode 0600 before SQLite opens it, so that a
  /// database holding secrets' digests is never readable by others, not
  /// even for the first byte. SQLite gives the -wal and -shm files the same
  /// mode. Ignored for ":memory:".
  bool private_file = false;
  /// Accept `file:` URIs as the path (tests open shared in-memory databases).
  bool uri = false;
  /// Put before every error message of exec and run ("gateway state database: ").
  std::string error_prefix;
};

/// An open database connection, closed on destruction.
class connection {
 public:
  connection() = default;
  connection(connection&& other) noexcept;
  connection& operator=(connection&& other) noexcept;
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection();

  /// Opens (creating if absent) the file at `path` read-write, with extended
  /// result codes. errc::io_error with SQLite's own message when it cannot.
  [[nodiscard]] static result<connection> open(const std::string& path,
                                               const open_options& options = {});

  [[nodiscard]] sqlite3* get() const noexcept { return db_; }
  /// Runs SQL without results. The error carries SQLite's message; a lock
  /// held by another connection is errc::backend_unavailable, else io_error.
  [[nodiscard]] result<void> exec(std::string_view sql);
  /// Runs a statement that returns no rows (INSERT, UPDATE, DELETE): an
  /// unprepared one is errc::internal, a failed step as for exec.
  [[nodiscard]] result<void> run(statement& stmt);
  /// The last error message of this connection.
  [[nodiscard]] std::string last_error() const;

 private:
  [[nodiscard]] error failure(int rc, std::string message) const;

  sqlite3* db_ = nullptr;
  std::string error_prefix_;
};

/// BEGIN IMMEDIATE … COMMIT, rolled back on destruction unless committed:
/// every early return of a multi-statement change leaves the database as it
/// was.
class transaction {
 public:
  explicit transaction(connection& db) : db_(db), begun_(db_.exec("BEGIN IMMEDIATE")) {}
  ~transaction() {
    if (begun_ && !done_) (void)db_.exec("ROLLBACK");
  }
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;

  /// Whether BEGIN worked; its error otherwise.
  [[nodiscard]] const result<void>& begun() const noexcept { return begun_; }
  [[nodiscard]] result<void> commit() {
    done_ = true;
    return db_.exec("COMMIT");
  }

 private:
  connection& db_;
  result<void> begun_;
  bool done_ = false;
};

/// True for errors that only mean another connection holds a lock right now.
[[nodiscard]] bool is_busy(int rc) noexcept;

}  // namespace parley::sqlite
