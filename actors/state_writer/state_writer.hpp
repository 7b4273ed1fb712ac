#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>

#include <map>
#include <string>

namespace parley {

/// Persist these read cursors (merged into the file). Answered with
/// shutdown_done when written (or after logging a failure).
struct save_read_state {
  std::string path;
  std::map<std::string, std::string> cursors;
};

/// Spawns the actor that writes sessions' read-state files, linked to
/// `parent`. It is detached (its own thread): a save takes a file lock and
/// an fsync, which must not stall a scheduler thread.
[[nodiscard]] caf::actor spawn_state_writer(caf::local_actor* parent);

}  // namespace parley

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::save_read_state)
