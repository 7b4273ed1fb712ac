#pragma once

#include <string>

namespace parley::xmpp {

/// The room a topic lives in, as the original names it: the topic lower-cased,
/// every character outside `[a-z0-9._-]` replaced by `_`, at the MUC service.
/// Distinct topics may share a room (`A b` and `a_b`); the original accepts
/// that, and so do we, for the two to meet in the same rooms.
[[nodiscard]] std::string room_localpart(const std::string& topic);
[[nodiscard]] std::string room_jid(const std::string& topic, const std::string& muc_service);

/// The resource of `room@service/nick`, or "" for a bare JID.
[[nodiscard]] std::string resource_of(const std::string& full_jid);
/// `room@service` of `room@service/nick`.
[[nodiscard]] std::string bare_of(const std::string& jid);

}  // namespace parley::xmpp
