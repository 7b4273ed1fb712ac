#include "backends/slack/slack_message.hpp"

#include "backends/slack/slack_api.hpp"
#include "backends/slack/slack_ts.hpp"
#include "src/model/mentions.hpp"
#include "src/util/iso_time.hpp"

namespace parley::slack {

namespace {

/// The handle a `*handle*: ` prefix names, and the text after it.
std::optional<std::pair<std::string, std::string>> split_prefix(std::string_view text) {
  if (text.size() < 5 || text.front() != '*') return std::nullopt;
  const auto end = text.find("*: ", 1);
  if (end == std::string_view::npos || end == 1) return std::nullopt;
  const std::string_view handle = text.substr(1, end - 1);
  if (handle.find_first_of("*\n") != std::string_view::npos) return std::nullopt;
  return std::pair{std::string(handle), std::string(text.substr(end + 3))};
}

bool counts(std::string_view type, std::string_view subtype) {
  return type == "message" &&
         (subtype.empty() || subtype == "bot_message" || subtype == "thread_broadcast");
}

}  // namespace

std::string escape_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else
      out.push_back(c);
  }
  return out;
}

std::string unescape_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const std::string_view rest = text.substr(i);
    if (rest.rfind("&lt;", 0) == 0) {
      out.push_back('<');
      i += 3;
    } else if (rest.rfind("&gt;", 0) == 0) {
      out.push_back('>');
      i += 3;
    } else if (rest.rfind("&amp;", 0) == 0) {
      out.push_back('&');
      i += 4;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::string handle_prefix(std::string_view handle) {
  return "*" + escape_text(handle) + "*: ";
}

std::optional<message> to_message(simdjson::dom::object msg, const std::string& topic,
                                  const bot_identity& self) {
  if (!counts(member_text(msg, "type"), member_text(msg, "subtype"))) return std::nullopt;
  const std::string ts = member_text(msg, "ts");
  const auto parsed = slack_ts::parse(ts);
  if (!parsed) return std::nullopt;
  message m;
  m.topic = topic;
  m.backend_msg_id = ts;
  m.cursor = cursor{ts};
  m.timestamp = iso8601_utc_ms(parsed->seconds * 1000);
  const std::string user = member_text(msg, "user");
  const std::string bot = member_text(msg, "bot_id");
  m.sender_handle = !user.empty() ? user : bot;
  const std::string text = member_text(msg, "text");
  const bool ours = (!bot.empty() && bot == self.bot_id) || (!user.empty() && user == self.user_id);
  const std::string username = member_text(msg, "username");
  if (ours && !username.empty()) {
    // A post under a username carries the prefix only where the content
    // needs it (empty, or itself starting with that prefix).
    m.sender_handle = username;
    const auto p = split_prefix(text);
    m.content = unescape_text(p && p->first == escape_text(username) ? p->second : text);
  } else if (auto p = ours ? split_prefix(text) : std::nullopt) {
    m.sender_handle = unescape_text(p->first);
    m.content = unescape_text(p->second);
  } else {
    m.content = unescape_text(text);
  }
  const std::string thread = member_text(msg, "thread_ts");
  if (!thread.empty() && thread != ts) m.in_reply_to = thread;
  m.mentions = parse_mentions(m.content);
  return m;
}

}  // namespace parley::slack
