#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "backends/xmpp/stanza_ptr.hpp"

/// The stanzas this backend sends, built one place so each protocol's shape
/// (XEP-0045 MUC, XEP-0313 MAM with XEP-0059 RSM, XEP-0359 ids, XEP-0461
/// replies, XEP-0410 self-ping) can be read and tested on its own.
namespace parley::xmpp {

namespace ns {
inline constexpr const char* muc = "http://jabber.org/protocol/muc";
inline constexpr const char* muc_user = "http://jabber.org/protocol/muc#user";
inline constexpr const char* muc_owner = "http://jabber.org/protocol/muc#owner";
inline constexpr const char* data_forms = "jabber:x:data";
inline constexpr const char* mam = "urn:xmpp:mam:2";
inline constexpr const char* rsm = "http://jabber.org/protocol/rsm";
inline constexpr const char* forward = "urn:xmpp:forward:0";
inline constexpr const char* delay = "urn:xmpp:delay";
inline constexpr const char* sid = "urn:xmpp:sid:0";
inline constexpr const char* reply = "urn:xmpp:reply:0";
inline constexpr const char* ping = "urn:xmpp:ping";
inline constexpr const char* stanzas = "urn:ietf:params:xml:ns:xmpp-stanzas";
/// Ours: what a Parley poster adds so Parley readers get the exact bytes and
/// the post's time (see README.md, "Beyond the body").
inline constexpr const char* parley = "urn:x-parley:message:0";
}  // namespace ns

/// Enter `room` as `nick`, asking for no history (catch-up is MAM's job).
[[nodiscard]] stanza_ptr join_presence(xmpp_ctx_t* ctx, const std::string& room, const std::string& nick);

/// Accept the default configuration of a room we just created (an "instant
/// room"), which unlocks it.
[[nodiscard]] stanza_ptr instant_room_config(xmpp_ctx_t* ctx, const std::string& room, const std::string& id);

/// One post to a room.
struct outgoing_post {
  std::string room;
  /// Our XEP-0359 origin-id; the room's reflection carries it back.
  std::string origin_id;
  std::string content;
  /// The post's time, `2026-07-12T18:03:11.204Z`.
  std::string timestamp;
  /// The stanza-id of the message this one answers (XEP-0461).
  std::optional<std::string> reply_to;
};

/// `<message type="groupchat">` with the body, origin-id, reply and our
/// extension. Characters XML cannot carry are replaced in the body; the
/// exact content then travels base64-encoded in the extension.
[[nodiscard]] stanza_ptr groupchat(xmpp_ctx_t* ctx, const outgoing_post& post);

/// True when `content` survives as XML character data byte for byte.
[[nodiscard]] bool body_can_carry(const std::string& content);

/// Which page of a room's archive to ask for.
struct archive_page {
  /// Strictly after this archive id; absent with `last_page` false means
  /// from the beginning.
  std::optional<std::string> after;
  /// The newest page (RSM `<before/>`), or the one before `before_id`.
  bool last_page = false;
  std::optional<std::string> before_id;
  std::size_t max = 100;
};

/// `<iq type="set"><query xmlns="urn:xmpp:mam:2" queryid=…>` with RSM.
[[nodiscard]] stanza_ptr archive_query(xmpp_ctx_t* ctx, const std::string& room, const std::string& iq_id,
                                       const std::string& query_id, const archive_page& page);

/// XEP-0410: a ping to our own occupant JID `room/nick`.
[[nodiscard]] stanza_ptr self_ping(xmpp_ctx_t* ctx, const std::string& occupant, const std::string& id);

/// The serialized size of `s`, in bytes.
[[nodiscard]] std::size_t serialized_size(xmpp_stanza_t* s);

}  // namespace parley::xmpp
