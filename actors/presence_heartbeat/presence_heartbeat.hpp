#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace parley {

struct presence_settings {
  std::string topic = "parley-presence";
  std::string handle;
  std::vector<std::string> topics;
  std::vector<std::string> post_topics;
  std::int64_t heartbeat_ms = 600'000;
};

/// Ask a presence_heartbeat to say goodbye and stop. Answered with
/// shutdown_done once the goodbye was posted (or failed).
struct presence_stop {};

/// Spawns the presence beat of one session, linked to `session`: `hello` at
/// once, `heartbeat` every heartbeat_ms, `goodbye` on presence_stop, in the
/// original's v2 record format so mixed fleets see each other. Beats go out
/// one at a time, in order: a goodbye is never overtaken by an earlier
/// heartbeat. Failed beats are logged and skipped.
[[nodiscard]] caf::actor spawn_presence_heartbeat(caf::local_actor* session, caf::actor backend_conn,
                                                  presence_settings settings);

}  // namespace parley

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::presence_stop)
