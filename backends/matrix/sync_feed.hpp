#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "backends/matrix/matrix_api.hpp"
#include "backends/matrix/room_event.hpp"
#include "src/http_client/long_poll_loop.hpp"
#include "src/seam/backend.hpp"

namespace parley::matrix {

/// The one /sync long-poll of a backend, feeding every subscription of
/// every room it is joined to. Each step asks for what followed the last
/// `next_batch`; a `limited` room timeline with subscribers is backfilled
/// from `prev_batch` back to that token before the new events are handed
/// out, so nothing between two syncs is skipped. After a failed sync (the
/// server away, a garbage answer) or a backfill that could not reach back,
/// every subscriber of the room gets on_gap() first, and core refills from
/// its last cursor.
class sync_feed {
 public:
  sync_feed(matrix_api& api, const matrix_config& cfg, health_listener on_health);
  sync_feed(const sync_feed&) = delete;
  sync_feed& operator=(const sync_feed&) = delete;
  ~sync_feed();

  /// Takes the server's current position (a /sync with timeout=0 and no
  /// events): the loop starts there.
  [[nodiscard]] result<void> position();
  void start();
  /// Ends the loop; call after matrix_api::stop(), which aborts the poll.
  void stop();

  /// Delivers `topic`'s messages in `room_id` posted from now on to `sink`.
  /// Returns an id for remove().
  [[nodiscard]] result<std::uint64_t> add(const std::string& room_id, const std::string& topic,
                                          subscription_sink& sink);
  /// Once it returns, the sink is not called again.
  void remove(std::uint64_t id);
  /// Drops every subscriber.
  void clear();

  /// Events of `room_id` pushed by the homeserver (application-service
  /// transactions), in order. Handed out like a sync's; an event either
  /// source delivered already is skipped, so the two merge in order.
  void push(const std::string& room_id, std::vector<room_event> events);

 private:
  struct listener {
    std::uint64_t id;
    std::string room_id;
    std::string topic;
    subscription_sink* sink;
    /// Until the loop has passed this event (the room's newest when the
    /// subscription began), nothing is delivered: it came before.
    std::optional<std::string> boundary;
  };
  /// What one /sync brought for one room, oldest first.
  struct room_batch {
    std::string room_id;
    std::vector<room_event> events;
    bool gap = false;
  };
  struct seen_ids {
    std::deque<std::string> order;
    std::set<std::string> ids;
  };

  [[nodiscard]] result<void> step();
  /// Logs a failed step and marks the next success as a recovery.
  [[nodiscard]] error failed(error e);
  [[nodiscard]] result<std::vector<room_batch>> read_rooms(simdjson::dom::object root, const std::string& since);
  [[nodiscard]] bool has_listeners(const std::string& room_id);
  /// Pages back from `prev_batch` to `since`; false when it did not get there.
  [[nodiscard]] bool backfill(const std::string& room_id, const std::string& prev_batch, const std::string& since,
                              std::vector<room_event>& out);
  [[nodiscard]] result<std::optional<std::string>> boundary_of(const std::string& room_id, const std::string& since);
  void dispatch(const room_batch& b, bool recovered);
  /// Records an event handed out; false when it was already.
  [[nodiscard]] bool remember(const std::string& room_id, const std::string& event_id);

  matrix_api& api_;
  bool shared_room_;
  std::string server_name_;
  std::int64_t sync_timeout_ms_;
  std::string live_filter_;
  std::unique_ptr<http::long_poll_loop> loop_;
  bool recovering_ = false;  // loop thread only

  std::mutex mu_;
  std::string since_;
  std::vector<listener> listeners_;
  std::map<std::string, seen_ids> seen_;
  std::uint64_t next_id_ = 0;
};

/// The /sync filter: every joined room's timeline, `timeline_limit` events
/// per room, nothing else (no presence, ephemeral or account data).
[[nodiscard]] std::string sync_filter(std::int64_t timeline_limit);

}  // namespace parley::matrix
