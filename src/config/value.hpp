#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/error/errc.hpp"

namespace parley::config {

/// A configuration tree as written by the user, before any typing: what a YAML
/// document (or a test) holds. Backends receive their `backend_config` as one
/// of these and type it themselves, so no backend includes a YAML parser.
class value {
 public:
  enum class kind { null, scalar, list, map };
  using map_entries = std::vector<std::pair<std::string, value>>;

  value() = default;
  /// A scalar. `plain` is false for quoted YAML strings: "5" stays a string
  /// and is not accepted where a number is expected, as in YAML 1.2.
  static value scalar(std::string text, bool plain = true);
  static value list(std::vector<value> items = {});
  static value map(map_entries entries = {});

  [[nodiscard]] kind type() const noexcept { return kind_; }
  [[nodiscard]] bool is_null() const noexcept { return kind_ == kind::null; }
  [[nodiscard]] bool is_scalar() const noexcept { return kind_ == kind::scalar; }
  [[nodiscard]] bool is_list() const noexcept { return kind_ == kind::list; }
  [[nodiscard]] bool is_map() const noexcept { return kind_ == kind::map; }
  [[nodiscard]] bool is_plain() const noexcept { return plain_; }

  [[nodiscard]] const std::string& text() const noexcept { return text_; }
  [[nodiscard]] const std::vector<value>& items() const noexcept { return items_; }
  [[nodiscard]] const map_entries& entries() const noexcept { return entries_; }

  /// The entry under `key` of a map, or nullptr (also for non-maps).
  [[nodiscard]] const value* find(std::string_view key) const noexcept;
  /// Adds or replaces a map entry (turns a null into a map).
  value& set(std::string key, value v);
  /// Appends to a list (turns a null into a list).
  value& push_back(value v);

  /// Typed views of a scalar; nullopt when the text does not have that type.
  [[nodiscard]] std::optional<bool> as_bool() const;
  [[nodiscard]] std::optional<std::int64_t> as_int() const;
  [[nodiscard]] std::optional<double> as_double() const;

 private:
  kind kind_ = kind::null;
  bool plain_ = true;
  std::string text_;
  std::vector<value> items_;
  map_entries entries_;
};

/// One thing wrong with a configuration, with the dotted path a user can find
/// in their file (`backend_config.poll_interval_ms`, `topics[2]`).
struct problem {
  std::string path;
  std::string message;
};

/// One errc::invalid_config error listing every problem on its own line
/// under `heading` (e.g. "invalid SQLite backend_config:").
[[nodiscard]] error to_error(std::string_view heading, const std::vector<problem>& problems);

/// Reads a map with typed accessors, records every problem instead of stopping
/// at the first, and reports the keys nobody asked for as unknown.
class map_reader {
 public:
  /// `v` may be null (all keys absent); anything else but a map is a problem.
  map_reader(const value& v, std::string path, std::vector<problem>& problems);
  /// The reader keeps a reference: a temporary would dangle.
  map_reader(value&& v, std::string path, std::vector<problem>& problems) = delete;

  [[nodiscard]] const value* get(std::string_view key);
  [[nodiscard]] std::optional<std::string> string(std::string_view key, bool allow_empty = true);
  [[nodiscard]] std::optional<bool> boolean(std::string_view key);
  [[nodiscard]] std::optional<std::int64_t> integer(std::string_view key, std::int64_t min,
                                                    std::int64_t max);
  /// A string or a list of strings (as `servers:` accepts either).
  [[nodiscard]] std::optional<std::vector<std::string>> string_list(std::string_view key,
                                                                    bool allow_single = false);
  /// A map of string to string (`channel_map:`).
  [[nodiscard]] std::optional<std::vector<std::pair<std::string, std::string>>> string_map(
      std::string_view key);

  /// A credential: the string `key`, else the environment variable that
  /// `<key>_env` names (default `default_env`), when set and not empty;
  /// nullopt when neither. Lets a config file name a token without holding it.
  [[nodiscard]] std::optional<std::string> secret(std::string_view key, std::string_view default_env);

  /// Path of a key under this map, for messages and nested readers.
  [[nodiscard]] std::string path_of(std::string_view key) const;
  void report(std::string_view key, std::string message);

  /// Reports every key that no accessor asked for. Call once, at the end.
  void finish();

 private:
  const value& v_;
  std::string path_;
  std::vector<problem>& problems_;
  std::vector<std::string> seen_;
};

}  // namespace parley::config
