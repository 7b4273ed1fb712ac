#pragma once

#include <optional>
#include <string>

#include <strophe.h>

#include "src/model/message.hpp"

namespace parley::xmpp {

/// One groupchat message of a room, as read from a live reflection or from
/// the room's archive.
struct room_message {
  /// The room's bare JID.
  std::string room;
  /// The sender's occupant nick.
  std::string nick;
  std::string content;
  /// The room's XEP-0359 stanza-id (live) or archive id (MAM): the cursor.
  std::string stanza_id;
  /// The sender's XEP-0359 origin-id, when it gave one.
  std::string origin_id;
  /// `2026-07-12T18:03:11.204Z`.
  std::string timestamp;
  /// The stanza-id this message answers (XEP-0461), when it is a reply.
  std::optional<std::string> reply_to;
};

/// Reads a live groupchat message reflected by a room: `from` must be
/// `room/nick`, the stanza-id must be stamped `by` that room (a stanza-id
/// from anyone else is a forgery and ignored), and there must be a body.
/// nullopt with `why` otherwise (a subject change, a private message, an
/// error): the caller skips it and logs `why`.
[[nodiscard]] std::optional<room_message> read_live(xmpp_stanza_t* msg, std::string& why);

/// Reads one MAM result `<message><result queryid id><forwarded>…`. It is
/// accepted only from `room` (the outer `from`) with our `query_id`; anything
/// else is a forgery or another query's and is refused with `why`.
[[nodiscard]] std::optional<room_message> read_archived(xmpp_stanza_t* outer, const std::string& room,
                                                        const std::string& query_id, std::string& why);

/// The seam's message for a room message of `topic`.
[[nodiscard]] message to_message(const room_message& m, const std::string& topic);

/// A `<delay stamp>` (XEP-0082: `2026-07-12T18:03:11Z`, maybe with a
/// fraction) in our `2026-07-12T18:03:11.204Z` shape; nullopt when it is not
/// UTC or does not parse.
[[nodiscard]] std::optional<std::string> normalize_stamp(const std::string& stamp);

}  // namespace parley::xmpp
