#include "state_writer/state_writer.hpp"

#include <caf/all.hpp>

#include "messages.hpp"
#include "state/read_state.hpp"
#include "util/log.hpp"


namespace parley {

namespace {

caf::behavior state_writer(caf::event_based_actor*) {
  return {
      [](save_read_state& s) -> shutdown_done {
        read_state_store store(s.path);
        if (auto r = store.save(s.cursors); !r)
          log::warn("state", "cannot save read state to " + s.path + ": " + r.error().message);
        return {};
      },
  };
}

}  // namespace

caf::actor spawn_state_writer(caf::local_actor* parent) {
  return parent->spawn<caf::detached + caf::linked>(state_writer);
}

}  // namespace parley
