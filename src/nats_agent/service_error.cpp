#include "src/nats_agent/service_error.hpp"

#include "src/util/utf8.hpp"

namespace parley::nats_agent {

namespace {

std::string_view trim(std::string_view s) noexcept {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string one_line_description(std::string_view raw) {
  const std::string valid = utf8::repair(raw);
  const std::string_view text = valid;
  std::string joined;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = text.find_first_of("\r\n", start);
    const auto line = trim(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (!line.empty()) {
      if (!joined.empty()) joined += " | ";
      joined += line;
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  for (char& c : joined) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = ' ';
  }
  if (joined.empty()) return "error";
  if (utf8::utf16_length(joined) > max_description_units) {
    std::string cut(utf8::utf16_prefix(joined, max_description_units - 3));
    cut += "...";
    return cut;
  }
  return joined;
}

service_error make_service_error(int code, std::string_view description) {
  return {code, one_line_description(description)};
}

std::vector<std::pair<std::string, std::string>> error_headers(const service_error& err) {
  return {{std::string(error_code_header), std::to_string(err.code)},
          {std::string(error_description_header), err.description}};
}

service_error handler_error(std::string_view message) {
  return make_service_error(code_internal, "handler error: " + std::string(message));
}

service_error shutdown_error() {
  return make_service_error(code_unavailable, "session stopped");
}

service_error expired_error(std::int64_t max_pending_age_s) {
  return make_service_error(
      code_unavailable,
      "request waited longer than " + std::to_string(max_pending_age_s) + " s in the queue");
}

}  // namespace parley::nats_agent
