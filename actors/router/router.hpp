#pragma once

#include <caf/fwd.hpp>

#include <cstdint>
#include <memory>
#include <string>

#include "actors/backend_connection/backend_connection.hpp"

namespace parley {

/// What the router needs to know about the deployment.
struct router_settings {
  /// The reserved presence topic: readable for rosters, never by tools.
  std::string presence_topic = "parley-presence";
  /// Most recent presence records read for a roster (the original's 500).
  std::size_t roster_window = 500;
};

/// Spawns the router, linked to `parent`: the only place that decides who
/// gets what. `door` is its only way to the backend.
///
/// - Sessions register with their profile and join their topics; the router
///   keeps one topic_subscription per topic however many sessions join, and
///   answers a join once every subscription is live.
/// - Every tool call passes here: the allowlist (explicit topics, anchored
///   post_topics patterns, the reserved presence topic) is enforced before
///   the backend sees anything.
/// - Live messages are deduplicated per topic by backend_msg_id (bounded
///   seen-set), serialized once as a channel notification and handed to each
///   joined session; mention filters and self-echo suppression decide whether
///   a session is shown the message or only counts it as read.
/// - A local post is written durably first (through door.try_post when the
///   backend can write without waiting, else through the backend
///   connection); the stored message then goes to the topic's subscription
///   so the other local sessions get it at once, in cursor order, and the
///   backend's later echo is dropped as a duplicate.
/// - parley_fetch_recent long-polls (block_ms) wait here and are woken by the
///   topic's next message, never by a poll loop.
[[nodiscard]] caf::actor spawn_router(caf::local_actor* parent, backend_door door,
                                      router_settings settings);

}  // namespace parley
