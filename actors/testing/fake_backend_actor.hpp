#pragma once

#include <caf/fwd.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "src/model/message.hpp"

namespace parley::testing {

/// What the fake backend connection holds, inspectable by the test.
struct fake_store {
  std::map<std::string, std::vector<message>> topics;
  /// Live subscribers per topic (topic_subscription actors).
  std::map<std::string, std::vector<caf::actor>> subscribers;
  std::int64_t next_id = 1;
  int posts = 0;
  int fetches = 0;
  /// When true, a post is also delivered live at once (a fast backend).
  bool deliver_live_on_post = false;
  /// When true, a post reports the cursor it directly follows
  /// (stored_post::previous), as backends that know it at write time do.
  bool knows_previous = true;
  /// Runs once, inside the next fetch, before it reads: lets a test have a
  /// live message arrive while a fetch is on its way.
  std::function<void()> before_next_fetch;
};

/// A stand-in for backend_connection that answers post_cmd, fetch_cmd and
/// subscribe_cmd from memory, on the test coordinator. The test decides when
/// (and whether) live messages are delivered, with deliver_live().
[[nodiscard]] caf::actor spawn_fake_backend(caf::actor_system& sys, std::shared_ptr<fake_store> store);

/// Sends the stored message of `topic` at `index` to the
/// topic's live subscribers, as the backend's live path would.
void deliver_live(const std::shared_ptr<fake_store>& store, const std::string& topic, std::size_t index);

}  // namespace parley::testing
