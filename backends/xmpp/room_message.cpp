#include "backends/xmpp/room_message.hpp"

#include <cctype>

#include "backends/xmpp/room_names.hpp"
#include "backends/xmpp/stanza_ptr.hpp"
#include "backends/xmpp/stanzas.hpp"
#include "src/model/mentions.hpp"
#include "src/util/base64.hpp"
#include "src/util/iso_time.hpp"
#include "src/util/utf8.hpp"

namespace parley::xmpp {

namespace {

xmpp_stanza_t* child(xmpp_stanza_t* s, const char* name, const char* ns) {
  if (s == nullptr) return nullptr;
  return ns == nullptr ? xmpp_stanza_get_child_by_name(s, name) : xmpp_stanza_get_child_by_name_and_ns(s, name, ns);
}

/// The stanza-id the room stamped (`by` = the room); another entity's is
/// ignored, as XEP-0359 requires.
std::string stanza_id_by(xmpp_stanza_t* msg, const std::string& room) {
  for (auto* c = xmpp_stanza_get_children(msg); c != nullptr; c = xmpp_stanza_get_next(c)) {
    const char* name = xmpp_stanza_get_name(c);
    const char* n = xmpp_stanza_get_ns(c);
    if (name == nullptr || n == nullptr || std::string_view(name) != "stanza-id" || std::string_view(n) != ns::sid)
      continue;
    if (attribute(c, "by") == room) return attribute(c, "id");
  }
  return {};
}

/// The exact content from our extension, else the body; nullopt without a
/// body (a subject change, a chat state).
std::optional<std::string> content_of(xmpp_stanza_t* msg) {
  auto* body = xmpp_stanza_get_child_by_name(msg, "body");
  if (body == nullptr) return std::nullopt;
  if (auto* exact = child(child(msg, "parley", ns::parley), "content", nullptr);
      exact != nullptr && attribute(exact, "encoding") == "base64") {
    if (auto bytes = base64::decode_strict(text_of(exact))) return utf8::repair(*bytes);
  }
  return utf8::repair(text_of(body));
}

std::string seconds_now() {
  const auto ms = now_epoch_ms();
  return iso8601_utc_ms(ms - ms % 1000);
}

/// Our poster's time, else the archive's stamp, else now (whole seconds, as
/// an archive stamps it, so a live copy and an archived one agree).
std::string timestamp_of(xmpp_stanza_t* msg, const std::string& delay_stamp) {
  const auto ours = attribute(child(msg, "parley", ns::parley), "ts");
  if (!ours.empty() && parse_iso8601_utc_ms(ours)) return ours;
  if (auto s = normalize_stamp(delay_stamp)) return *s;
  return seconds_now();
}

/// The fields every groupchat message has, wherever it was read.
std::optional<room_message> read_common(xmpp_stanza_t* msg, const std::string& room, std::string& why) {
  auto content = content_of(msg);
  if (!content) {
    why = "no body";
    return std::nullopt;
  }
  room_message m;
  m.room = room;
  m.nick = utf8::repair(resource_of(attribute(msg, "from")));
  m.content = std::move(*content);
  m.origin_id = attribute(child(msg, "origin-id", ns::sid), "id");
  if (auto* reply = child(msg, "reply", ns::reply)) {
    auto id = attribute(reply, "id");
    if (!id.empty()) m.reply_to = std::move(id);
  }
  return m;
}

}  // namespace

std::optional<std::string> normalize_stamp(const std::string& stamp) {
  // YYYY-MM-DDTHH:MM:SS[.f+]Z
  if (stamp.size() < 20 || stamp[4] != '-' || stamp[7] != '-' || stamp[10] != 'T' || stamp[13] != ':' ||
      stamp[16] != ':' || stamp.back() != 'Z')
    return std::nullopt;
  std::string millis = "000";
  if (stamp.size() > 20) {
    if (stamp[19] != '.') return std::nullopt;
    const auto fraction = stamp.substr(20, stamp.size() - 21);
    if (fraction.empty()) return std::nullopt;
    for (std::size_t i = 0; i < fraction.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(fraction[i]))) return std::nullopt;
      if (i < 3) millis[i] = fraction[i];
    }
  }
  auto out = stamp.substr(0, 19) + "." + millis + "Z";
  if (!parse_iso8601_utc_ms(out)) return std::nullopt;
  return out;
}

std::optional<room_message> read_live(xmpp_stanza_t* msg, std::string& why) {
  if (attribute(msg, "type") != "groupchat") {
    why = "not a groupchat message";
    return std::nullopt;
  }
  const auto from = attribute(msg, "from");
  const auto room = bare_of(from);
  if (resource_of(from).empty()) {
    why = "from the room itself, not an occupant";
    return std::nullopt;
  }
  auto m = read_common(msg, room, why);
  if (!m) return std::nullopt;
  m->stanza_id = stanza_id_by(msg, room);
  if (m->stanza_id.empty()) {
    why = "no stanza-id stamped by " + room + " (is MAM enabled for the room?)";
    return std::nullopt;
  }
  m->timestamp = timestamp_of(msg, attribute(child(msg, "delay", ns::delay), "stamp"));
  return m;
}

std::optional<room_message> read_archived(xmpp_stanza_t* outer, const std::string& room,
                                          const std::string& query_id, std::string& why) {
  auto* result = child(outer, "result", ns::mam);
  if (result == nullptr) {
    why = "not an archive result";
    return std::nullopt;
  }
  if (bare_of(attribute(outer, "from")) != room || !resource_of(attribute(outer, "from")).empty()) {
    why = "archive result from " + attribute(outer, "from") + ", not from the queried room " + room;
    return std::nullopt;
  }
  if (attribute(result, "queryid") != query_id) {
    why = "archive result for another query";
    return std::nullopt;
  }
  auto* forwarded = child(result, "forwarded", ns::forward);
  auto* msg = forwarded == nullptr ? nullptr : xmpp_stanza_get_child_by_name(forwarded, "message");
  if (msg == nullptr) {
    why = "archive result without a forwarded message";
    return std::nullopt;
  }
  auto m = read_common(msg, room, why);
  if (!m) return std::nullopt;
  m->stanza_id = attribute(result, "id");
  if (m->stanza_id.empty()) {
    why = "archive result without an id";
    return std::nullopt;
  }
  m->timestamp = timestamp_of(msg, attribute(child(forwarded, "delay", ns::delay), "stamp"));
  return m;
}

message to_message(const room_message& m, const std::string& topic) {
  message out;
  out.topic = topic;
  out.sender_handle = m.nick;
  out.content = m.content;
  out.timestamp = m.timestamp;
  out.backend_msg_id = m.stanza_id;
  out.cursor = cursor{m.stanza_id};
  out.mentions = parse_mentions(out.content);
  out.in_reply_to = m.reply_to;
  return out;
}

}  // namespace parley::xmpp
