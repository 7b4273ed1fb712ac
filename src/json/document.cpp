#include "src/json/document.hpp"

#include "src/util/utf8.hpp"

namespace parley::json {

namespace {

/// The value of four hex digits at `s[i]`, or -1.
int hex4(std::string_view s, std::size_t i) {
  if (i + 4 > s.size()) return -1;
  int v = 0;
  for (std::size_t k = i; k < i + 4; ++k) {
    const char c = s[k];
    int d = -1;
    if (c >= '0' && c <= '9') d = c - '0';
    if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

bool is_high(int v) { return v >= 0xD800 && v <= 0xDBFF; }
bool is_low(int v) { return v >= 0xDC00 && v <= 0xDFFF; }

}  // namespace

std::string repair_text(std::string_view text) {
  std::string in = utf8::repair(text);
  if (in.find("\\u") == std::string::npos) return in;
  std::string out;
  out.reserve(in.size());
  const std::string_view s = in;
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out.push_back(s[i++]);
      continue;
    }
    if (s[i + 1] != 'u') {  // any other escape, e.g. `\\` before a `u`
      out.append(s.substr(i, 2));
      i += 2;
      continue;
    }
    const int v = hex4(s, i + 2);
    const bool paired = is_high(v) && s.substr(i + 6, 2) == "\\u" && is_low(hex4(s, i + 8));
    if (paired) {
      out.append(s.substr(i, 12));
      i += 12;
    } else if (is_high(v) || is_low(v)) {
      out.append("\\uFFFD");
      i += 6;
    } else {
      out.append(s.substr(i, 2));
      i += 2;
    }
  }
  return out;
}

result<document> document::parse(std::string_view text, std::string_view what, parse_options options) {
  document d;
  d.parser_ = std::make_unique<simdjson::dom::parser>();
  const std::string repaired = options.repair ? repair_text(text) : std::string();
  const std::string_view input = options.repair ? std::string_view(repaired) : text;
  d.repaired_ = options.repair && repaired != text;
  if (auto err = d.parser_->parse(input.data(), input.size()).get(d.root_); err != simdjson::SUCCESS)
    return fail(errc::backend_unavailable, std::string(what) + " is not JSON (" + simdjson::error_message(err) + ")");
  if (d.root_.get_object().get(d.object_) != simdjson::SUCCESS && options.require_object)
    return fail(errc::backend_unavailable, std::string(what) + " is not a JSON object");
  return d;
}

}  // namespace parley::json
