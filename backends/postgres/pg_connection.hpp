#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/error/result.hpp"

namespace parley::postgres {

struct result_deleter {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
/// A PGresult that is cleared when it goes out of scope.
using pg_result = std::unique_ptr<PGresult, result_deleter>;

/// Text parameters of one statement. Holds pointers, not copies: the strings
/// must outlive the call that uses the list. nullopt binds SQL NULL.
class param_list {
 public:
  param_list() = default;
  param_list(std::initializer_list<const std::string*> values) {
    for (const auto* v : values) add(*v);
  }
  void add(const std::string& v) { values_.push_back(v.c_str()); }
  void add(const std::optional<std::string>& v) { values_.push_back(v ? v->c_str() : nullptr); }
  [[nodiscard]] int size() const noexcept { return static_cast<int>(values_.size()); }
  [[nodiscard]] const char* const* data() const noexcept { return values_.data(); }

 private:
  std::vector<const char*> values_;
};

/// One libpq connection, owned by one thread at a time (libpq connections are
/// not safe for concurrent use). Move-only; PQfinish on destruction.
class connection {
 public:
  connection() = default;
  explicit connection(PGconn* c) noexcept : c_(c) {}
  ~connection();
  connection(connection&& o) noexcept : c_(o.c_) { o.c_ = nullptr; }
  connection& operator=(connection&& o) noexcept;
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// Connects, blocking the calling thread (bounded by connect_timeout).
  [[nodiscard]] static result<connection> open(const std::string& url);
  /// Starts a non-blocking connect; drive it with PQconnectPoll. The
  /// connection may be invalid (out of memory) or already failed.
  [[nodiscard]] static connection start(const std::string& url);
  /// Finishes what start() began after PQconnectPoll reported OK.
  void finish_setup();

  [[nodiscard]] PGconn* get() const noexcept { return c_; }
  [[nodiscard]] bool valid() const noexcept { return c_ != nullptr; }
  /// Connected and not known to be broken.
  [[nodiscard]] bool ok() const noexcept { return c_ && PQstatus(c_) == CONNECTION_OK; }
  [[nodiscard]] int socket() const noexcept { return c_ ? PQsocket(c_) : -1; }
  /// The last error libpq reported, on one line.
  [[nodiscard]] std::string last_error() const;
  /// True when an idle connection has been closed by the server (or has
  /// unexpected input): checked before a pooled connection is reused.
  [[nodiscard]] bool idle_but_dead() const;

  /// Runs one or more statements without parameters (simple protocol).
  [[nodiscard]] pg_result exec(const char* sql) const;
  /// Runs one statement with text parameters (extended protocol).
  [[nodiscard]] pg_result exec(const std::string& sql, const param_list& params) const;
  /// Runs a statement prepared with prepare().
  [[nodiscard]] pg_result exec_prepared(const char* name, const param_list& params) const;
  /// Prepares a named statement on this connection.
  [[nodiscard]] result<void> prepare(const char* name, const std::string& sql, int n_params) const;

 private:
  PGconn* c_ = nullptr;
};

/// Whether a result is a success of the expected kind.
[[nodiscard]] bool succeeded(const pg_result& r, ExecStatusType want);

/// The SQLSTATE of a failed result ("" if none).
[[nodiscard]] std::string sqlstate(const pg_result& r);

/// A failure of `what` (e.g. `post to topic "t"`) as a seam error: the
/// server's or libpq's message, and a code chosen from the connection state
/// and the SQLSTATE (connection loss and server shutdown are
/// backend_unavailable; bad input is invalid_argument).
[[nodiscard]] error failure(const connection& c, const pg_result& r, const std::string& what);

/// Whether a connect error means retrying with the same settings cannot help.
[[nodiscard]] bool is_credentials_error(std::string_view message);

/// A PostgreSQL text[] literal holding `items`, e.g. `{"a","b\"c"}`.
[[nodiscard]] std::string text_array_literal(const std::vector<std::string>& items);

/// A row's field as a string (empty for NULL).
[[nodiscard]] inline std::string field(const PGresult* r, int row, int col) {
  return std::string(PQgetvalue(r, row, col), static_cast<std::size_t>(PQgetlength(r, row, col)));
}

}  // namespace parley::postgres
