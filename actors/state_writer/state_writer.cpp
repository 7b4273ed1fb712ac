#include "actors/state_writer/state_writer.hpp"

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "src/state/read_state.hpp"
#include "src/util/log.hpp"


namespace parley {

namespace {

// The unused argument is deliberate: CAF 0.17 dereferences a null argument
// tuple when spawning a function-based actor that takes none (UBSan reports
// it), so every actor function here takes at least one argument.
caf::behavior state_writer(caf::event_based_actor*, std::string log_component) {
  return {
      [log_component](save_read_state& s) -> shutdown_done {
        read_state_store store(s.path);
        if (auto r = store.save(s.cursors); !r)
          log::warn(log_component, "cannot save read state to " + s.path + ": " + r.error().message);
        return {};
      },
  };
}

}  // namespace

caf::actor spawn_state_writer(caf::local_actor* parent) {
  return parent->spawn<caf::detached + caf::linked>(state_writer, std::string("state"));
}

}  // namespace parley
