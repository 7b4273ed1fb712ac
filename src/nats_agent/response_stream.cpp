#include "src/nats_agent/response_stream.hpp"

#include "src/json/writer.hpp"
#include "src/util/utf8.hpp"

namespace parley::nats_agent {

namespace {

/// Longest escaped form of one code point: a control character as \u00XX.
constexpr std::size_t max_escaped_code_point = 6;

/// Bytes json::append_quoted writes for the code point at s[i] (inside the
/// quotes), and the bytes it consumes from `s`.
struct escaped {
  std::size_t out_bytes;
  std::size_t in_bytes;
};

escaped escaped_size(std::string_view s, std::size_t i) noexcept {
  const auto d = utf8::decode(s, i);
  if (!d.valid) return {3, d.length};  // becomes U+FFFD
  if (d.length > 1) return {d.length, d.length};
  const auto c = static_cast<unsigned char>(s[i]);
  switch (c) {
    case '"':
    case '\\':
    case '\b':
    case '\f':
    case '\n':
    case '\r':
    case '\t':
      return {2, 1};
    default:
      return {c < 0x20 ? std::size_t{6} : std::size_t{1}, 1};
  }
}

std::string typed_chunk(std::string_view type, std::string_view data) {
  json::writer w;
  w.begin_object().key("type").value(type).key("data").value(data).end_object();
  return std::move(w).take();
}

}  // namespace

std::string status_chunk(std::string_view data) {
  return typed_chunk("status", data);
}

std::string response_chunk(std::string_view text) {
  return typed_chunk("response", text);
}

result<std::vector<std::string>> split_response(std::string_view text, std::size_t max_payload) {
  if (max_payload < response_chunk_overhead + max_escaped_code_point)
    return fail(errc::invalid_argument,
                "max_payload " + std::to_string(max_payload) + " cannot hold a response chunk");
  const std::size_t budget = max_payload - response_chunk_overhead;
  std::vector<std::string> chunks;
  std::size_t start = 0;
  std::size_t used = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto e = escaped_size(text, i);
    if (used + e.out_bytes > budget) {
      chunks.push_back(response_chunk(text.substr(start, i - start)));
      start = i;
      used = 0;
    }
    used += e.out_bytes;
    i += e.in_bytes;
  }
  if (start < text.size()) chunks.push_back(response_chunk(text.substr(start)));
  return chunks;
}

std::string query_chunk(std::string_view id, std::string_view reply_subject,
                        std::string_view prompt) {
  json::writer w;
  w.begin_object().key("type").value("query").key("data").begin_object();
  w.key("id").value(id).key("reply_subject").value(reply_subject).key("prompt").value(prompt);
  w.end_object().end_object();
  return std::move(w).take();
}

frame chunk_frame(std::string body) {
  return frame{{}, std::move(body)};
}

frame error_frame(const service_error& err) {
  return frame{error_headers(err), {}};
}

frame terminator_frame() {
  return frame{};
}

std::vector<frame> error_then_terminator(const service_error& err) {
  return {error_frame(err), terminator_frame()};
}

}  // namespace parley::nats_agent
