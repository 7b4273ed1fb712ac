#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "src/error/result.hpp"

namespace parley::sqlite {

/// One prepared statement. Bind, step, read columns, reset; never shared
/// between threads (its connection's mutex guards it).
class statement {
 public:
  statement() = default;
  statement(sqlite3* db, std::string_view sql);
  statement(statement&& other) noexcept;
  statement& operator=(statement&& other) noexcept;
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  ~statement();

  [[nodiscard]] bool valid() const noexcept { return stmt_ != nullptr; }
  [[nodiscard]] int prepare_error() const noexcept { return prepare_rc_; }

  void bind(int index, std::string_view text);
  void bind(int index, std::int64_t v);
  void bind_null(int index);

  /// SQLITE_ROW, SQLITE_DONE or an error code.
  [[nodiscard]] int step();
  void reset();

  [[nodiscard]] std::int64_t column_int(int col) const;
  [[nodiscard]] std::string column_text(int col) const;
  [[nodiscard]] bool column_is_null(int col) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int prepare_rc_ = SQLITE_OK;
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

  /// Opens (creating if absent) the file at `path` in full-mutex-free,
  /// read-write mode. The error message is SQLite's own.
  [[nodiscard]] static result<connection> open(const std::string& path);

  [[nodiscard]] sqlite3* get() const noexcept { return db_; }
  /// Runs SQL without results. The error carries SQLite's message.
  [[nodiscard]] result<void> exec(std::string_view sql);
  /// The last error message of this connection.
  [[nodiscard]] std::string last_error() const;

 private:
  sqlite3* db_ = nullptr;
};

/// True for errors that only mean another connection holds a lock right now.
[[nodiscard]] bool is_busy(int rc) noexcept;

}  // namespace parley::sqlite
