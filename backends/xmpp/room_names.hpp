#pragma once

#include <string>

namespace parley::xmpp {

/// The room a topic lives in, as the original names it: the topic lower-cased,
/// every character outside `[a-z0-9._-]` replaced by `_`, and when that
/// changed anything the sha1 suffix of the original's safeName
/// (src/util/safe_name.hpp), so distinct topics never share a room: `ops`
/// stays `ops`, `Ops` becomes `ops-<10 hex>`.
[[nodiscard]] std::string room_localpart(const std::string& topic);
[[nodiscard]] std::string room_jid(const std::string& topic, const std::string& muc_service);

/// The resource of `room@service/nick`, or "" for a bare JID.
[[nodiscard]] std::string resource_of(const std::string& full_jid);
/// `room@service` of `room@service/nick`.
[[nodiscard]] std::string bare_of(const std::string& jid);

}  // namespace parley::xmpp
