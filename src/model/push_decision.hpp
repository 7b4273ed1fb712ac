#pragma once

#include <string_view>

#include "src/model/message.hpp"

namespace parley {

/// A session's settings that decide what it is shown live.
struct push_policy {
  /// The session's handle.
  std::string_view handle;
  /// Show only messages that @mention `handle`.
  bool mention_filter = false;
  /// Show the session its own posts too.
  bool echo_own_posts = false;
};

/// Whether `m` is pushed to the session (true) or only counted as read: a
/// message the session posted itself (`own`) is not shown back unless it
/// asked for echoes, and with the mention filter only messages naming its
/// handle are shown. The one rule for live deliveries and catch-up alike;
/// how `own` is known is the caller's (the id of a post it just made, or the
/// sender on catch-up).
[[nodiscard]] bool should_push(const message& m, const push_policy& policy, bool own) noexcept;

}  // namespace parley
