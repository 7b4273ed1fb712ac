#pragma once

#include <simdjson.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "src/error/result.hpp"

namespace parley::matrix {

/// `text` made parseable whatever a homeserver sent: bytes that are not
/// UTF-8 become U+FFFD, and so do `\uD800`–`\uDFFF` escapes that are not a
/// well-formed pair (JavaScript clients send lone surrogates; a strict
/// parser refuses the whole document for one of them, and one bad event
/// would then stop a /sync forever).
[[nodiscard]] std::string repair_json_text(std::string_view text);

/// One parsed JSON document; the root stays valid while this lives.
class json_doc {
 public:
  /// Parses `text` after repair_json_text; `what` names it in the error.
  [[nodiscard]] static result<json_doc> parse(std::string_view text, std::string_view what);

  [[nodiscard]] simdjson::dom::object root() const noexcept { return root_; }

  json_doc(json_doc&&) noexcept = default;
  json_doc& operator=(json_doc&&) noexcept = default;

 private:
  json_doc() = default;
  std::unique_ptr<simdjson::dom::parser> parser_;
  simdjson::dom::object root_;
};

/// A string member of `obj`, when present and a string.
[[nodiscard]] std::optional<std::string> string_at(simdjson::dom::object obj, std::string_view key);
/// An integer member of `obj`, when present and a number.
[[nodiscard]] std::optional<std::int64_t> integer_at(simdjson::dom::object obj, std::string_view key);
/// An object member of `obj`, when present and an object.
[[nodiscard]] std::optional<simdjson::dom::object> object_at(simdjson::dom::object obj, std::string_view key);
/// An array member of `obj`, when present and an array.
[[nodiscard]] std::optional<simdjson::dom::array> array_at(simdjson::dom::object obj, std::string_view key);

}  // namespace parley::matrix
