#include "backends/discord/discord_message.hpp"

#include <algorithm>

#include "src/json/document.hpp"
#include "backends/discord/snowflake.hpp"
#include "src/seam/backend.hpp"

namespace parley::discord {

result<discord_message> read_message(simdjson::dom::element e) {
  discord_message m;
  m.id = json::text_of(e, "id").value_or("");
  m.channel_id = json::text_of(e, "channel_id").value_or("");
  if (!snowflake::parse(m.id) || !snowflake::parse(m.channel_id))
    return fail(errc::backend_unavailable, "a Discord message without a valid id or channel_id");
  if (auto a = json::member<simdjson::dom::element>(e, "author")) {
    m.author_id = json::text_of(*a, "id").value_or("");
    m.author_username = json::text_of(*a, "username").value_or("");
  }
  m.content = json::text_of(e, "content").value_or("");
  m.timestamp = json::text_of(e, "timestamp").value_or("");
  if (auto r = json::member<simdjson::dom::element>(e, "message_reference")) {
    const auto type = json::member<std::int64_t>(*r, "type").value_or(0);
    if (auto id = json::text_of(*r, "message_id"); id && type == 0) m.reply_to = *id;
  }
  if (auto att = json::member<simdjson::dom::array>(e, "attachments")) m.has_attachments = att->size() > 0;
  m.from_webhook = json::text_of(e, "webhook_id").has_value();
  return m;
}

result<std::vector<discord_message>> read_page_ascending(simdjson::dom::element e) {
  simdjson::dom::array arr;
  if (e.get(arr) != simdjson::SUCCESS) return fail(errc::backend_unavailable, "a Discord message page is not an array");
  std::vector<discord_message> out;
  for (auto item : arr) {
    auto m = read_message(item);
    if (!m) return m.error();
    out.push_back(std::move(*m));
  }
  // Discord pages are newest first; sort rather than reverse, so that an
  // out-of-order page still comes out ascending.
  std::sort(out.begin(), out.end(), [](const discord_message& a, const discord_message& b) {
    return snowflake_less(a.id, b.id);
  });
  return out;
}

message to_message(const discord_message& m, const std::string& topic) {
  // The same fields a post carries, from Discord's side of it.
  return stored_message(post_request{topic, m.author_username, m.content, m.reply_to}, m.id, cursor{m.id},
                        m.timestamp);
}

}  // namespace parley::discord
