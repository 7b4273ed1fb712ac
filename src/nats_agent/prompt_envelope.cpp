#include "src/nats_agent/prompt_envelope.hpp"

#include <simdjson.h>

#include "src/util/base64.hpp"
#include "src/util/utf8.hpp"

namespace parley::nats_agent {

namespace {

using simdjson::dom::element;

service_error bad_request(std::string description) {
  return make_service_error(code_bad_request, description);
}

bool is_json_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/// The last value of `key` in `obj` (JSON.parse keeps the last duplicate).
std::optional<element> last_field(simdjson::dom::object obj, std::string_view key) {
  std::optional<element> found;
  for (auto field : obj)
    if (field.key == key) found = field.value;
  return found;
}

std::optional<std::string_view> as_string(const std::optional<element>& e) {
  std::string_view s;
  if (!e || e->get_string().get(s)) return std::nullopt;
  return s;
}

service_result<attachment> decode_attachment(element item, std::size_t i) {
  const std::string where = "attachment[" + std::to_string(i) + "]";
  simdjson::dom::object obj;
  if (item.get_object().get(obj)) return bad_request(where + " must be an object");
  const auto filename = as_string(last_field(obj, "filename"));
  if (!filename) return bad_request(where + " missing string `filename`");
  const auto content = as_string(last_field(obj, "content"));
  if (!content) return bad_request(where + " missing string `content`");
  if (auto problem = filename_problem(*filename)) return bad_request(where + " has " + *problem);
  auto bytes = base64::decode_lenient(*content);
  if (!bytes) return bad_request(where + " has invalid base64 content: " + bytes.error().message);
  return attachment{std::string(*filename), std::move(*bytes)};
}

service_result<prompt> decode_envelope(std::string_view payload, const prompt_limits& limits) {
  thread_local simdjson::dom::parser parser;
  element root;
  if (auto err = parser.parse(payload.data(), payload.size()).get(root))
    return bad_request(std::string("malformed JSON envelope: ") + simdjson::error_message(err));
  simdjson::dom::object obj;
  if (root.get_object().get(obj)) return bad_request("envelope must be a JSON object");

  prompt out;
  out.form = prompt_form::envelope;
  const auto prompt_field = last_field(obj, "prompt");
  if (!prompt_field && limits.accept_v01_body) {
    if (auto body = as_string(last_field(obj, "body")); body && !body->empty()) {
      out.form = prompt_form::legacy_v01;
      out.text = std::string(*body);
    }
  }
  if (out.form == prompt_form::envelope) {
    const auto text = as_string(prompt_field);
    if (!text) return bad_request("envelope missing required string `prompt` field");
    if (text->empty()) return bad_request("envelope `prompt` must be a non-empty string");
    out.text = std::string(*text);
  }
  if (auto from = as_string(last_field(obj, "from"))) out.from = std::string(*from);

  if (auto list = last_field(obj, "attachments")) {
    simdjson::dom::array items;
    if (list->get_array().get(items)) return bad_request("envelope `attachments` must be an array");
    if (items.size() > 0 && !limits.attachments_ok)
      return bad_request("attachments are not supported by this endpoint");
    std::size_t i = 0;
    for (element item : items) {
      auto a = decode_attachment(item, i++);
      if (!a) return a.error();
      out.attachments.push_back(std::move(*a));
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> filename_problem(std::string_view filename) {
  if (filename.empty()) return std::string("empty filename");
  if (filename.find_first_of(std::string_view("/\\\0", 3)) != std::string_view::npos)
    return std::string("unsafe filename (path separator or NUL)");
  if (filename == "." || filename == "..")
    return std::string("unsafe filename ('.' or '..' component)");
  return std::nullopt;
}

service_result<prompt> decode_prompt(std::string_view payload, const prompt_limits& limits) {
  if (payload.empty()) return bad_request("zero-byte request payload (\u00a75.3)");
  if (payload.size() > limits.max_payload)
    return bad_request("prompt payload exceeds max_payload " +
                       format_max_payload(limits.max_payload));
  std::size_t i = 0;
  while (i < payload.size() && is_json_space(payload[i])) ++i;
  if (i < payload.size() && payload[i] == '{') return decode_envelope(payload, limits);
  prompt out;
  out.text = utf8::repair(payload);
  return out;
}

}  // namespace parley::nats_agent
