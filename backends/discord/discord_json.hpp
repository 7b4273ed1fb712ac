#pragma once

#include <simdjson.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "src/error/result.hpp"

namespace parley::discord {

/// One parsed JSON document from Discord (a REST body or a gateway frame);
/// the root stays valid while this lives. Bytes that are not UTF-8 fail the
/// parse: Discord sends none, so such a frame is garbage to skip.
class json_doc {
 public:
  /// Parses `text`; `what` names it in the error.
  [[nodiscard]] static result<json_doc> parse(std::string_view text, std::string_view what);

  [[nodiscard]] simdjson::dom::element root() const noexcept { return root_; }

  json_doc(json_doc&&) noexcept = default;
  json_doc& operator=(json_doc&&) noexcept = default;

 private:
  json_doc() = default;
  std::unique_ptr<simdjson::dom::parser> parser_;
  simdjson::dom::element root_;
};

/// The member `key` of `e` as a T (std::string_view, std::int64_t, double,
/// bool, simdjson::dom::object, simdjson::dom::array), when `e` is an object
/// that has it with that type.
template <class T>
[[nodiscard]] std::optional<T> member(simdjson::dom::element e, std::string_view key) {
  T out{};
  if (e[key].get(out) != simdjson::SUCCESS) return std::nullopt;
  return out;
}

/// A string member, copied.
[[nodiscard]] inline std::optional<std::string> text_of(simdjson::dom::element e, std::string_view key) {
  auto v = member<std::string_view>(e, key);
  return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
}

}  // namespace parley::discord
