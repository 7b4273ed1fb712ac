#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parley::oauth {

/// The parameters of an `application/x-www-form-urlencoded` body or a URL
/// query, in order, decoded (`+` is a space, `%XX` a byte).
class form_params {
 public:
  form_params() = default;
  explicit form_params(std::vector<std::pair<std::string, std::string>> items)
      : items_(std::move(items)) {}

  /// The value of `name`; nullopt when absent. A parameter given as `name=`
  /// is present and empty.
  [[nodiscard]] std::optional<std::string> get(std::string_view name) const;
  /// The value of `name`, absent and empty alike giving "".
  [[nodiscard]] std::string value_or_empty(std::string_view name) const;
  /// The first name that occurs more than once, if any. OAuth requests must
  /// not repeat a parameter (RFC 6749 §3.1); `resource` may repeat (RFC 8707)
  /// but we accept only one, so it counts too.
  [[nodiscard]] std::optional<std::string> first_repeated() const;
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& items() const noexcept {
    return items_;
  }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

/// Parses `a=1&b=x+y&c=%2F`. nullopt for a malformed percent escape or a
/// decoded value that holds a NUL: such a body is a client bug or an attack,
/// answered 400 invalid_request. Empty pieces (`a=1&&b=2`) are skipped.
[[nodiscard]] std::optional<form_params> parse_form(std::string_view text);

/// One decoded form component (`+` a space, `%XX` a byte); nullopt when
/// malformed or holding a NUL. Client credentials in HTTP Basic are encoded
/// this way first (RFC 6749 §2.3.1).
[[nodiscard]] std::optional<std::string> form_decode(std::string_view component);

/// Percent-encodes everything but the RFC 3986 unreserved characters, for
/// building redirect query strings and form bodies.
[[nodiscard]] std::string form_encode(std::string_view value);

/// `uri` with `params` appended as a query (`?` or `&`, whichever fits).
[[nodiscard]] std::string append_query(
    std::string uri, const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace parley::oauth
