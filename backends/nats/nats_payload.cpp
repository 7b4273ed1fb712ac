#include "backends/nats/nats_payload.hpp"

#include <simdjson.h>

#include "src/json/writer.hpp"
#include "src/model/mentions.hpp"

namespace parley::nats {

std::string encode_payload(std::string_view sender, std::string_view content, std::string_view ts,
                           const std::optional<std::string>& in_reply_to) {
  json::writer w;
  w.begin_object().key("sender").value(sender).key("content").value(content).key("ts").value(ts);
  w.key("in_reply_to").value(in_reply_to ? std::string_view(*in_reply_to) : std::string_view());
  w.end_object();
  return std::move(w).take();
}

message decode_payload(std::string_view payload) {
  thread_local simdjson::dom::parser parser;
  message m;
  simdjson::dom::object obj;
  if (parser.parse(payload.data(), payload.size()).get_object().get(obj) != simdjson::SUCCESS) return m;
  auto field = [&](const char* key) {
    std::string_view v;
    return obj[key].get_string().get(v) == simdjson::SUCCESS ? std::string(v) : std::string();
  };
  m.sender_handle = field("sender");
  m.content = field("content");
  m.timestamp = field("ts");
  if (auto r = field("in_reply_to"); !r.empty()) m.in_reply_to = std::move(r);
  m.mentions = parse_mentions(m.content);
  return m;
}

}  // namespace parley::nats
