#pragma once

#include <simdjson.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "src/error/result.hpp"

namespace parley::json {

/// `text` made parseable whatever a server sent: bytes that are not UTF-8
/// become U+FFFD, and so do `\uD800`-`\uDFFF` escapes that are not a
/// well-formed pair. JavaScript clients send lone surrogates; a strict
/// parser refuses the whole document for one of them, and one bad message
/// would then stop a feed forever.
[[nodiscard]] std::string repair_text(std::string_view text);

/// How `document::parse` treats its input.
struct parse_options {
  /// Run repair_text first. For bodies that carry what people typed
  /// (messages relayed by a chat service); a protocol frame that is not
  /// valid JSON is better refused.
  bool repair = false;
  /// Fail unless the root is an object (then `object()` is valid).
  bool require_object = false;
};

/// Repair first and require an object: a chat service's API answer.
inline constexpr parse_options lenient_object{true, true};

/// One parsed JSON document of a network peer; the root stays valid while
/// this lives (it owns its parser, so documents may outlive each other).
class document {
 public:
  /// Parses `text`; `what` names it in the error (errc::backend_unavailable).
  [[nodiscard]] static result<document> parse(std::string_view text, std::string_view what,
                                              parse_options options = {});

  [[nodiscard]] simdjson::dom::element root() const noexcept { return root_; }
  /// The root as an object; empty unless it is one.
  [[nodiscard]] simdjson::dom::object object() const noexcept { return object_; }
  /// Whether repair changed the text: some string in it held what is not
  /// UTF-8, now U+FFFD.
  [[nodiscard]] bool repaired() const noexcept { return repaired_; }

  document(document&&) noexcept = default;
  document& operator=(document&&) noexcept = default;

 private:
  document() = default;
  std::unique_ptr<simdjson::dom::parser> parser_;
  simdjson::dom::element root_;
  simdjson::dom::object object_;
  bool repaired_ = false;
};

/// The member `key` of `node` (a dom::element or dom::object) as a T
/// (std::string_view, std::int64_t, std::uint64_t, double, bool,
/// simdjson::dom::object, simdjson::dom::array), when `node` is an object
/// that has it with that type.
template <class T, class Node>
[[nodiscard]] std::optional<T> member(Node node, std::string_view key) {
  T out{};
  if (node[key].get(out) != simdjson::SUCCESS) return std::nullopt;
  return out;
}

/// A string member, copied.
template <class Node>
[[nodiscard]] std::optional<std::string> text_of(Node node, std::string_view key) {
  auto v = member<std::string_view>(node, key);
  return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
}

/// An integer member; a number with a fraction or exponent (some servers
/// send `1.7e12` for a timestamp) is truncated.
template <class Node>
[[nodiscard]] std::optional<std::int64_t> integer_of(Node node, std::string_view key) {
  if (auto i = member<std::int64_t>(node, key)) return i;
  if (auto d = member<double>(node, key)) return static_cast<std::int64_t>(*d);
  return std::nullopt;
}

/// An object member.
template <class Node>
[[nodiscard]] std::optional<simdjson::dom::object> object_of(Node node, std::string_view key) {
  return member<simdjson::dom::object>(node, key);
}

/// An array member.
template <class Node>
[[nodiscard]] std::optional<simdjson::dom::array> array_of(Node node, std::string_view key) {
  return member<simdjson::dom::array>(node, key);
}

}  // namespace parley::json
