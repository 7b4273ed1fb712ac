#include "backends/matrix/room_event.hpp"

#include "src/json/document.hpp"
#include "backends/matrix/room_alias.hpp"
#include "src/json/writer.hpp"
#include "src/model/mentions.hpp"
#include "src/util/iso_time.hpp"
#include "src/util/log.hpp"

namespace parley::matrix {

std::optional<room_event> read_event(simdjson::dom::element e) {
  simdjson::dom::object obj;
  if (e.get_object().get(obj) != simdjson::SUCCESS) return std::nullopt;
  auto id = json::text_of(obj, "event_id");
  auto type = json::text_of(obj, "type");
  if (!id || id->empty() || !type) return std::nullopt;
  room_event ev;
  ev.event_id = std::move(*id);
  ev.type = std::move(*type);
  ev.sender = json::text_of(obj, "sender").value_or("");
  ev.room_id = json::text_of(obj, "room_id").value_or("");
  ev.origin_server_ts = json::integer_of(obj, "origin_server_ts").value_or(0);
  if (auto content = json::object_of(obj, "content")) {
    ev.body = json::text_of(*content, "body");
    ev.topic_tag = json::text_of(*content, "app.parley.topic");
    ev.sender_tag = json::text_of(*content, "app.parley.sender");
    if (auto rel = json::object_of(*content, "m.relates_to"))
      if (auto reply = json::object_of(*rel, "m.in_reply_to")) ev.in_reply_to = json::text_of(*reply, "event_id");
  }
  return ev;
}

std::vector<room_event> read_events(simdjson::dom::array events, std::size_t& skipped) {
  std::vector<room_event> out;
  for (auto e : events) {
    if (auto ev = read_event(e))
      out.push_back(std::move(*ev));
    else
      ++skipped;
  }
  return out;
}

bool belongs(const room_event& ev, const std::string& topic, bool shared_room) {
  return ev.is_message() && (!shared_room || ev.topic_tag == topic);
}

void note_unusable(const room_event& ev) {
  if (ev.type == "m.room.message" && !ev.body)
    log::warn("matrix", "skipping event " + ev.event_id + ": an m.room.message without a string body");
}

std::string sender_of(const room_event& ev, const std::string& server_name) {
  if (ev.sender_tag && ev.sender == "@" + user_localpart(*ev.sender_tag) + ":" + server_name) return *ev.sender_tag;
  return ev.sender;
}

message to_message(const room_event& ev, const std::string& topic, const std::string& server_name) {
  message m;
  m.topic = topic;
  m.sender_handle = sender_of(ev, server_name);
  m.content = ev.body.value_or("");
  m.timestamp = iso8601_utc_ms(ev.origin_server_ts);
  m.backend_msg_id = ev.event_id;
  m.cursor = cursor{ev.event_id};
  m.mentions = parse_mentions(m.content);
  m.in_reply_to = ev.in_reply_to;
  return m;
}

std::string message_content(const std::string& body, const std::string& topic,
                            const std::optional<std::string>& in_reply_to, const std::optional<std::string>& sender) {
  json::writer w;
  w.begin_object().key("msgtype").value("m.text").key("body").value(body).key("app.parley.topic").value(topic);
  if (sender) w.key("app.parley.sender").value(*sender);
  if (in_reply_to) {
    w.key("m.relates_to").begin_object().key("m.in_reply_to").begin_object();
    w.key("event_id").value(*in_reply_to).end_object().end_object();
  }
  w.end_object();
  return std::move(w).take();
}

}  // namespace parley::matrix
