#include "backends/zulip/zulip_message.hpp"

#include <cctype>

#include "src/json/document.hpp"
#include "src/json/writer.hpp"
#include "src/model/mentions.hpp"
#include "src/util/iso_time.hpp"

namespace parley::zulip {

namespace {

std::string text_member(simdjson::dom::object obj, std::string_view key) {
  return json::text_of(obj, key).value_or("");
}

}  // namespace

std::string history_narrow(const std::string& stream, const std::optional<std::string>& topic) {
  json::writer w;
  w.begin_array();
  w.begin_object().key("operator").value("stream").key("operand").value(stream).end_object();
  if (topic) w.begin_object().key("operator").value("topic").key("operand").value(*topic).end_object();
  w.end_array();
  return std::move(w).take();
}

std::string queue_narrow(const std::string& stream, const std::optional<std::string>& topic) {
  json::writer w;
  w.begin_array();
  w.begin_array().value("stream").value(stream).end_array();
  if (topic) w.begin_array().value("topic").value(*topic).end_array();
  w.end_array();
  return std::move(w).take();
}

std::optional<std::uint64_t> parse_id(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  if (text.size() > 1 && text[0] == '0') return std::nullopt;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

std::string subject_of(simdjson::dom::object msg) {
  std::string s = text_member(msg, "subject");
  return s.empty() ? text_member(msg, "topic") : s;
}

bool same_topic(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

std::optional<message> to_message(simdjson::dom::object msg, const std::string& topic) {
  std::int64_t id = 0;
  if (msg["id"].get_int64().get(id) != simdjson::SUCCESS || id <= 0) return std::nullopt;
  const std::string type = text_member(msg, "type");
  if (type != "stream" && type != "channel") return std::nullopt;
  auto seconds = json::integer_of(msg, "timestamp");
  if (!seconds || *seconds < 0 || *seconds > 100'000'000'000) return std::nullopt;
  message m;
  m.sender_handle = text_member(msg, "sender_email");
  if (m.sender_handle.empty()) return std::nullopt;
  m.topic = topic.empty() ? subject_of(msg) : topic;
  m.content = text_member(msg, "content");
  m.timestamp = iso8601_utc_ms(*seconds * 1000);
  m.backend_msg_id = std::to_string(id);
  m.cursor = cursor{m.backend_msg_id};
  m.mentions = parse_mentions(m.content);
  return m;
}

}  // namespace parley::zulip
