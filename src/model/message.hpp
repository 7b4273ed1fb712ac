#pragma once

#include <optional>
#include <string>
#include <vector>

namespace parley {

/// A position in one topic's history, minted by a backend. Core never parses,
/// orders or does arithmetic on it: it only stores it and hands it back as a
/// `since`. Two cursors of the same topic compare equal iff they name the same
/// position.
struct cursor {
  std::string text;

  [[nodiscard]] bool empty() const noexcept { return text.empty(); }
  [[nodiscard]] friend bool operator==(const cursor&, const cursor&) = default;
};

/// The one normalized message that crosses the seam, whatever the backend.
struct message {
  /// The logical topic, exactly as the poster named it.
  std::string topic;
  /// Who the backend says sent it. On backends that can carry it this is the
  /// poster's configured handle; chat backends may report their account name.
  std::string sender_handle;
  /// The body, byte for byte as posted.
  std::string content;
  /// ISO-8601, informational only: never used for ordering or dedup. May be
  /// empty when the backend lacks it.
  std::string timestamp;
  /// Stable unique id; the dedup key. Equal across post, fetch and subscribe.
  std::string backend_msg_id;
  /// Per-topic position of this message; the order key.
  parley::cursor cursor;
  /// Handles mentioned in `content` (`@name`), unique, in first-seen order.
  std::vector<std::string> mentions;
  /// The backend_msg_id this message threads under, when the backend stores it.
  std::optional<std::string> in_reply_to;

  [[nodiscard]] friend bool operator==(const message&, const message&) = default;
};

/// One page of a topic's history, ascending by cursor.
struct page {
  std::vector<message> messages;
  /// Cursor of the last message; when the page is empty, the `since` that was
  /// passed in, or the backend's zero cursor if there was none. Passing it back
  /// as `since` never skips and never repeats a message.
  parley::cursor next_cursor;
};

}  // namespace parley
