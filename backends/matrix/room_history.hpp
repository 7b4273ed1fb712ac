#pragma once

#include <cstddef>
#include <string>

#include "backends/matrix/matrix_api.hpp"
#include "backends/matrix/room_event.hpp"
#include "src/model/message.hpp"

namespace parley::matrix {

/// Reads one topic's messages out of its room: the original's catch-up.
/// Ids and cursors are event ids, which are opaque: positions come only
/// from the server's pagination tokens, never from comparing ids.
class room_history {
 public:
  /// `shared_room`: the room holds every topic, told apart by the tag.
  room_history(matrix_api& api, std::string room_id, std::string topic, bool shared_room, std::string server_name)
      : api_(api),
        room_id_(std::move(room_id)),
        topic_(std::move(topic)),
        shared_room_(shared_room),
        server_name_(std::move(server_name)) {}

  /// The newest `limit` messages, ascending (`/messages dir=b`, paged).
  [[nodiscard]] result<page> newest(std::size_t limit);
  /// Up to `limit` messages strictly after the event `since` ("" is before
  /// the first): `/context/<since>` gives the token just after it, then
  /// `/messages dir=f` pages. An event the server does not know (404) falls
  /// back to the newest window, as the original does.
  [[nodiscard]] result<page> after(const std::string& since, std::size_t limit);
  /// The event `event_id` as the server stored it (for its timestamp).
  [[nodiscard]] result<room_event> event(const std::string& event_id);

 private:
  /// Events to ask for when `wanted` more messages are needed.
  [[nodiscard]] std::size_t page_size(std::size_t wanted) const;
  /// Pages forward from `from` (absent: the room's start).
  [[nodiscard]] result<page> forward(std::optional<std::string> from, const std::string& since, std::size_t limit);

  matrix_api& api_;
  std::string room_id_;
  std::string topic_;
  bool shared_room_;
  std::string server_name_;
};

/// The RoomEventFilter of history reads: messages only.
inline constexpr const char* message_filter = R"({"types":["m.room.message"]})";

}  // namespace parley::matrix
