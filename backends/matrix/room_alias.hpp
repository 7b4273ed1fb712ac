#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace parley::matrix {

/// `topic` with every UTF-16 code unit outside `[A-Za-z0-9._-]` as `_` (the
/// original folds per code unit, so an astral character becomes two `_`),
/// and `-<first 10 hex of sha1(topic)>` appended when that changed anything,
/// so that two topics never share a room.
[[nodiscard]] std::string safe_localpart(std::string_view topic);

/// The alias localpart of a topic: `parley_<safe_localpart>`, or the shared
/// room's localpart for every topic.
[[nodiscard]] std::string alias_localpart(std::string_view topic, const std::optional<std::string>& shared_room);

/// The Matrix user a handle posts as in application-service mode:
/// `parley_` and the handle with every UTF-16 unit outside `[a-z0-9._=-]`
/// (all a user id allows; upper case too) as `_`, plus the sha1 suffix when
/// that changed anything.
[[nodiscard]] std::string user_localpart(std::string_view handle);

/// `#<localpart>:<server_name>`.
[[nodiscard]] std::string room_alias(std::string_view localpart, std::string_view server_name);

}  // namespace parley::matrix
