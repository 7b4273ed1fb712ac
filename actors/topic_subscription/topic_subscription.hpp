#pragma once

#include <caf/fwd.hpp>

#include <string>

namespace parley {

/// Spawns the live feed of one topic for the whole process, linked to
/// `router`: however many sessions listen, a topic costs one subscription.
///
/// It subscribes through the backend connection, then reports topic_ready to
/// the router. It forwards messages as topic_batch in strict cursor order and
/// remembers the last cursor it forwarded. A local post (local_post, the
/// message as the backend stored it) that directly follows that cursor is
/// forwarded at once, without reading it back. After a gap (the backend lost
/// its live stream) or a local post it cannot place, it fetches everything
/// after that cursor and forwards it before any live message that arrived
/// meanwhile, so a dropped push is never a lost message. Overlap between a
/// fetch and live delivery is allowed: the router drops duplicates.
[[nodiscard]] caf::actor spawn_topic_subscription(caf::local_actor* router, caf::actor backend_conn,
                                                  std::string topic);

}  // namespace parley
