#include "src/nats_agent/permission_query.hpp"

#include <simdjson.h>

#include <optional>

namespace parley::nats_agent {

namespace {

std::string_view trim(std::string_view s) noexcept {
  auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
  };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::optional<permission_behavior> word(std::string_view text) {
  const std::string w = lower_ascii(trim(text));
  if (w == "y" || w == "yes" || w == "allow") return permission_behavior::allow;
  if (w == "n" || w == "no" || w == "deny") return permission_behavior::deny;
  return std::nullopt;
}

std::optional<permission_behavior> from_json(std::string_view payload) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(payload.data(), payload.size()).get(root)) return std::nullopt;
  simdjson::dom::object obj;
  if (root.get_object().get(obj)) return std::nullopt;
  std::string_view s;
  if (!obj["behavior"].get_string().get(s)) {
    const std::string b = lower_ascii(trim(s));
    if (b == "allow") return permission_behavior::allow;
    if (b == "deny") return permission_behavior::deny;
  }
  if (!obj["prompt"].get_string().get(s)) return word(s);
  return std::nullopt;
}

}  // namespace

std::string permission_query_prompt(std::string_view tool_name, std::string_view description,
                                    std::string_view input_preview) {
  std::string out(tool_name);
  out.append(": ").append(description).append("\n\n");
  if (!input_preview.empty()) out.append(input_preview).append("\n\n");
  out.append("Reply 'yes' to allow or 'no' to deny.");
  return out;
}

permission_answer parse_permission_answer(std::string_view payload) {
  const std::string_view t = trim(payload);
  const auto decided = (!t.empty() && t.front() == '{') ? from_json(t) : word(t);
  if (!decided) return {};
  return {*decided, true};
}

std::string_view to_string(permission_behavior b) noexcept {
  return b == permission_behavior::allow ? "allow" : "deny";
}

}  // namespace parley::nats_agent
