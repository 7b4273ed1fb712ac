#include "backends/nats/topic_names.hpp"

#include <utility>

#include "src/util/safe_name.hpp"
#include "src/util/utf8.hpp"

namespace parley::nats {

namespace {

// JavaScript's `\s`: ASCII whitespace plus Unicode's space separators, line
// and paragraph separators and the BOM. A whole character becomes one `_`.
bool is_js_whitespace(char32_t c) {
  switch (c) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x20:
    case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F:
    case 0x3000: case 0xFEFF:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

std::string fold(std::string_view topic, std::string_view extra) {
  std::string out;
  out.reserve(topic.size());
  for (std::size_t i = 0; i < topic.size();) {
    const auto d = utf8::decode(topic, i);
    const bool ascii_special = d.length == 1 && (topic[i] == '.' || topic[i] == '*' || topic[i] == '>' ||
                                                 extra.find(topic[i]) != std::string_view::npos);
    if (ascii_special || (d.valid && is_js_whitespace(d.code_point)))
      out.push_back('_');
    else
      out.append(topic.substr(i, d.length));
    i += d.length;
  }
  return out;
}

}  // namespace

std::string fold_subject(std::string_view topic) { return fold(topic, ""); }

std::string fold_stream(std::string_view topic) { return fold(topic, "/\\"); }

std::string safe_name(std::string_view topic, std::string (*fold_fn)(std::string_view)) {
  return parley::safe_name(topic, fold_fn(topic));
}

std::string subject_for(std::string_view subject_prefix, std::string_view topic) {
  return std::string(subject_prefix) + safe_name(topic, fold_subject);
}

std::string stream_for(std::string_view stream_prefix, std::string_view topic) {
  return std::string(stream_prefix) + safe_name(topic, fold_stream);
}

}  // namespace parley::nats
