#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "src/model/message.hpp"

namespace parley::matrix {

/// One timeline event, as much of it as the backend reads.
struct room_event {
  std::string event_id;
  /// Present in /messages, /context and transactions; not in /sync.
  std::string room_id;
  std::string type;
  /// The poster's MXID.
  std::string sender;
  std::int64_t origin_server_ts = 0;
  /// `content.body`, when a string.
  std::optional<std::string> body;
  /// `content["app.parley.topic"]`, when a string.
  std::optional<std::string> topic_tag;
  /// `content["app.parley.sender"]`: the poster's handle, as claimed.
  std::optional<std::string> sender_tag;
  /// `content["m.relates_to"]["m.in_reply_to"].event_id`, when present.
  std::optional<std::string> in_reply_to;

  /// An `m.room.message` with a string body: what the backend delivers.
  [[nodiscard]] bool is_message() const noexcept { return type == "m.room.message" && body.has_value(); }
};

/// Reads one event; nullopt when it is not an object with a string
/// `event_id` and `type` (it is then skipped, and nothing else with it).
[[nodiscard]] std::optional<room_event> read_event(simdjson::dom::element e);

/// Every readable event of `events` in order; unreadable ones are counted
/// in `skipped`.
[[nodiscard]] std::vector<room_event> read_events(simdjson::dom::array events, std::size_t& skipped);

/// True when `ev` is a message of `topic`: an m.room.message with a body
/// and, in a shared room, tagged with the topic.
[[nodiscard]] bool belongs(const room_event& ev, const std::string& topic, bool shared_room);

/// Logs one line when `ev` is an m.room.message without a string body,
/// which is skipped; call once per event read.
void note_unusable(const room_event& ev);

/// Who sent `ev`: the handle it claims when the homeserver `server_name`
/// says the sender is that handle's application-service user (only the
/// appservice can post as `@parley_<handle>:<server_name>`), else the MXID.
[[nodiscard]] std::string sender_of(const room_event& ev, const std::string& server_name);

/// The message `ev` is on `topic`: id and cursor the event id, sender as
/// sender_of, timestamp the ISO form of origin_server_ts, mentions parsed.
[[nodiscard]] message to_message(const room_event& ev, const std::string& topic, const std::string& server_name);

/// The content of a post: `{"msgtype":"m.text","body":...,"app.parley.topic":...}`
/// and, for a reply, `m.relates_to.m.in_reply_to.event_id`; with a
/// `sender` (application-service mode), `app.parley.sender`.
[[nodiscard]] std::string message_content(const std::string& body, const std::string& topic,
                                          const std::optional<std::string>& in_reply_to,
                                          const std::optional<std::string>& sender = std::nullopt);

}  // namespace parley::matrix
