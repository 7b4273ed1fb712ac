#include "backends/telegram/telegram_message.hpp"

#include <string_view>

#include "backends/telegram/chat_target.hpp"
#include "src/model/mentions.hpp"
#include "src/util/iso_time.hpp"
#include "src/util/utf8.hpp"

namespace parley::telegram {

namespace {

bool valid_utf8(std::string_view s) { return simdjson::validate_utf8(s.data(), s.size()); }

/// Members a Telegram message has instead of `text` when it is a service
/// message (someone joined, the title changed, a pin, a forum topic made).
bool is_service(simdjson::dom::object m) {
  for (const char* key : {"new_chat_members", "left_chat_member", "new_chat_title", "new_chat_photo",
                          "delete_chat_photo", "group_chat_created", "supergroup_chat_created",
                          "pinned_message", "forum_topic_created", "forum_topic_edited",
                          "forum_topic_closed", "forum_topic_reopened", "migrate_to_chat_id"})
    if (m[key].error() == simdjson::SUCCESS) return true;
  return false;
}

std::string sender_of(simdjson::dom::object m, std::int64_t chat_id, bool channel_post) {
  simdjson::dom::object from;
  if (channel_post || m["from"].get_object().get(from) != simdjson::SUCCESS)
    return std::to_string(chat_id);
  std::string_view username;
  if (from["username"].get_string().get(username) == simdjson::SUCCESS && !username.empty())
    return std::string(username);
  auto id = json::member<std::int64_t>(from, "id");
  return id ? std::to_string(*id) : std::to_string(chat_id);
}

std::optional<std::string> reply_of(simdjson::dom::object m, std::int64_t chat_id,
                                    std::optional<std::int64_t> thread) {
  simdjson::dom::object reply;
  if (m["reply_to_message"].get_object().get(reply) != simdjson::SUCCESS) return std::nullopt;
  auto id = json::member<std::int64_t>(reply, "message_id");
  // In a forum topic every message "replies" to the topic's first message.
  if (!id || (thread && *id == *thread)) return std::nullopt;
  return composite_id(chat_id, *id);
}

}  // namespace

parley::message observed_message::to_message() const {
  parley::message m;
  m.topic = topic;
  m.sender_handle = sender;
  m.content = content;
  m.timestamp = ts;
  m.backend_msg_id = composite_id(chat_id, message_id);
  m.cursor = parley::cursor{std::to_string(message_id)};
  m.mentions = parse_mentions(content);
  m.in_reply_to = in_reply_to;
  return m;
}

parsed_message parse_message(simdjson::dom::object m, bool channel_post) {
  parsed_message out;
  simdjson::dom::object chat;
  auto mid = json::member<std::int64_t>(m, "message_id");
  if (!mid || m["chat"].get_object().get(chat) != simdjson::SUCCESS) {
    out.skipped = "a message without message_id or chat";
    return out;
  }
  auto chat_id = json::member<std::int64_t>(chat, "id");
  if (!chat_id) {
    out.skipped = "a message without chat.id";
    return out;
  }
  std::string_view text;
  if (m["text"].get_string().get(text) != simdjson::SUCCESS) {
    out.skipped = is_service(m) ? "a service message" : "a message without text (a sticker, a photo, …)";
    return out;
  }
  if (!valid_utf8(text)) {
    out.skipped = "a text that is not valid UTF-8";
    return out;
  }
  observed_message o;
  o.chat_id = *chat_id;
  o.message_id = *mid;
  if (auto t = json::member<std::int64_t>(m, "message_thread_id"); t && json::member<bool>(m, "is_topic_message").value_or(false))
    o.thread_id = t;
  o.sender = sender_of(m, *chat_id, channel_post);
  o.content = std::string(text);
  o.ts = iso8601_utc_ms(json::member<std::int64_t>(m, "date").value_or(0) * 1000);
  o.in_reply_to = reply_of(m, *chat_id, o.thread_id);
  out.msg = std::move(o);
  return out;
}

std::optional<parsed_update> parse_update(simdjson::dom::object u) {
  auto id = json::member<std::int64_t>(u, "update_id");
  if (!id) return std::nullopt;
  parsed_update out;
  out.update_id = *id;
  for (auto [key, channel] : {std::pair{"message", false}, std::pair{"channel_post", true}}) {
    simdjson::dom::object m;
    if (u[key].get_object().get(m) != simdjson::SUCCESS) continue;
    auto p = parse_message(m, channel);
    out.msg = std::move(p.msg);
    out.skipped = std::move(p.skipped);
    return out;
  }
  std::string kind = "an update of another kind";
  for (auto field : u) {
    if (field.key != "update_id") {
      kind = "an update of kind " + std::string(field.key);
      break;
    }
  }
  out.skipped = kind;
  return out;
}

}  // namespace parley::telegram
