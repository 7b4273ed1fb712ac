#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/config/value.hpp"

namespace parley::postgres {

/// The DSN the original falls back to. Its credentials are public (they are
/// in both projects' docs), so connecting with it earns a SECURITY warning.
inline constexpr std::string_view default_url = "postgres://parley:parley@127.0.0.1:5432/parley";

/// `backend_config` of the Postgres backend: the original's three keys with
/// its defaults.
struct postgres_config {
  /// A libpq connection URI (`postgres://user:pass@host:port/db?...`) or a
  /// `key=value` conninfo string.
  std::string url{default_url};
  /// Whether `url` was given at all (the warning also fires when it was not).
  bool url_given = false;
  /// The message table; `<table_name>_senders`, `<table_name>_notify()` and
  /// `<table_name>_notify_trg` are derived from it. Interpolated into SQL
  /// unquoted, exactly as the original does, so `^[A-Za-z_][A-Za-z0-9_]*$`.
  std::string table_name = "parley_messages";
  /// Pooled connections for posts and reads; the LISTEN connection is extra.
  std::int64_t pool_size = 5;

  /// Reads and validates; problems carry paths under `backend_config`.
  [[nodiscard]] static postgres_config parse(const config::value& v,
                                             std::vector<config::problem>& problems);

  /// True when the original would print its default-DSN SECURITY warning.
  [[nodiscard]] bool uses_default_credentials() const { return !url_given || url == default_url; }
};

/// The original's error text for a bad table name, or nullopt when `name` is
/// a plain identifier.
[[nodiscard]] std::optional<std::string> check_table_name(std::string_view name);

/// The original's warning, word for word.
[[nodiscard]] std::string default_credentials_warning();

/// `url` with any password replaced by `***`, for messages and logs.
[[nodiscard]] std::string redact_url(std::string_view url);

}  // namespace parley::postgres
