#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>

#include "src/model/message.hpp"

namespace parley::slack {

/// Who the bot token is (auth.test), to recognise our own posts.
struct bot_identity {
  std::string user_id;
  std::string bot_id;
  std::string name;
};

/// `text` as Slack wants it in a message: `&`, `<` and `>` escaped.
[[nodiscard]] std::string escape_text(std::string_view text);
/// A message's text as written: `&lt;`, `&gt;` and `&amp;` undone.
[[nodiscard]] std::string unescape_text(std::string_view text);

/// `*handle*: `, the prefix that shows an agent's handle when the bot may
/// not post under another name.
[[nodiscard]] std::string handle_prefix(std::string_view handle);

/// A Slack message (from history, a post's answer or a live event) as
/// Parley's message, or nullopt when it does not count: not `type`
/// message, a `subtype` other than bot_message and thread_broadcast (joins,
/// topic changes, edits), or no usable `ts`.
///
/// id and cursor are the `ts`; the timestamp its seconds in ISO-8601; the
/// sender `user`, else `bot_id`, except on our own bot's posts, where it is
/// the agent's handle from `username` or from the handle prefix (which is
/// then taken off the content); `in_reply_to` the `thread_ts` of a reply.
[[nodiscard]] std::optional<message> to_message(simdjson::dom::object msg, const std::string& topic,
                                                const bot_identity& self);

}  // namespace parley::slack
