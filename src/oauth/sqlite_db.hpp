#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "src/error/result.hpp"

namespace parley::oauth::sql {

/// One prepared statement, finalized on destruction. Used by one thread at
/// a time, under its owner's mutex. (src/ may not include the SQLite
/// backend's handle, so the gateway state keeps its own small one.)
class statement {
 public:
  statement(sqlite3* db, std::string_view sql);
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  ~statement();

  [[nodiscard]] bool valid() const noexcept { return stmt_ != nullptr; }
  statement& bind(int index, std::string_view text);
  statement& bind(int index, std::int64_t v);
  statement& bind_null(int index);

  /// SQLITE_ROW, SQLITE_DONE or an error code.
  [[nodiscard]] int step();
  [[nodiscard]] std::int64_t column_int(int col) const;
  [[nodiscard]] std::string column_text(int col) const;
  [[nodiscard]] bool column_is_null(int col) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

/// An open connection, closed on destruction.
class database {
 public:
  database() = default;
  database(database&& other) noexcept;
  database& operator=(database&& other) noexcept;
  database(const database&) = delete;
  database& operator=(const database&) = delete;
  ~database();

  /// Opens or creates `path`; a new file is created with mode 0600 (it
  /// holds token digests and client secrets' digests).
  [[nodiscard]] static result<database> open(const std::string& path);

  [[nodiscard]] sqlite3* get() const noexcept { return db_; }
  /// Runs SQL without results; the error carries SQLite's message.
  [[nodiscard]] result<void> exec(std::string_view sql);
  /// Runs a statement that returns no rows (INSERT, UPDATE, DELETE).
  [[nodiscard]] result<void> run(statement& stmt);
  [[nodiscard]] std::string last_error() const;

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace parley::oauth::sql
