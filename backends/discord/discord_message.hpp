#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <vector>

#include "src/error/result.hpp"
#include "src/model/message.hpp"

namespace parley::discord {

/// A Discord message object as Parley reads it, before it is given a topic.
struct discord_message {
  std::string id;
  std::string channel_id;
  std::string author_id;
  std::string author_username;
  std::string content;
  std::string timestamp;
  /// The replied-to message (a `message_reference` of type 0, a reply; a
  /// forward, type 1, is not a reply).
  std::optional<std::string> reply_to;
  bool has_attachments = false;
  /// A webhook's message: `author` is then the webhook, named per message.
  bool from_webhook = false;
};

/// Reads a message object (REST answer or MESSAGE_CREATE `d`); fails when
/// it lacks an id that is a snowflake or a channel id.
[[nodiscard]] result<discord_message> read_message(simdjson::dom::element e);

/// Reads a REST page (an array of message objects, newest first) and
/// returns it oldest first.
[[nodiscard]] result<std::vector<discord_message>> read_page_ascending(simdjson::dom::element e);

/// The seam's message: id and cursor the snowflake, sender `author.username`,
/// mentions parsed from the content.
[[nodiscard]] message to_message(const discord_message& m, const std::string& topic);

}  // namespace parley::discord
