#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "backends/zulip/zulip_api.hpp"
#include "backends/zulip/zulip_config.hpp"
#include "src/http_client/long_poll_loop.hpp"
#include "src/seam/backend.hpp"

namespace parley::zulip {

/// One registered event queue (POST /register, event_types ["message"],
/// narrowed to the stream and, unless `topic` is nullopt, one topic) and the
/// long-poll thread that reads it (GET /events, the first request at once),
/// feeding every subscription of its narrow, routed by each message's topic.
///
/// Nothing is lost when Zulip drops the queue (it garbage-collects idle
/// ones): on the error whose `code` is BAD_EVENT_QUEUE_ID the queue is
/// registered again, and the gap is filled from history (GET /messages after
/// the last delivered id, 500 per page, until caught up) before any event
/// of the new queue; ids at or below the last delivered one are dropped, so
/// each message arrives once, in id order.
class event_queue {
 public:
  event_queue(const zulip_config& cfg, std::optional<std::string> topic, health_listener on_health);
  event_queue(const event_queue&) = delete;
  event_queue& operator=(const event_queue&) = delete;
  ~event_queue();

  /// Registers the queue, then takes the narrow's newest id (nothing at or
  /// below it is delivered), then starts polling; that id.
  [[nodiscard]] result<std::uint64_t> open();
  /// Ends polling; then deletes the queue on the server through `api`, best
  /// effort (DELETE /events).
  void close(zulip_api& api);

  /// Delivers messages of `topic` with an id above `after` to `sink`; an id
  /// for remove().
  [[nodiscard]] std::uint64_t add(const std::string& topic, std::uint64_t after, subscription_sink& sink);
  /// Once it returns, the sink is not called again. True when none is left.
  bool remove(std::uint64_t id);
  /// The newest id of the narrow (what add's `after` should be).
  [[nodiscard]] result<std::uint64_t> tail_id();

  /// Queues registered so far (a test hook: 1 until the server drops one).
  [[nodiscard]] int registrations() const;

 private:
  struct listener {
    std::uint64_t id;
    std::string topic;
    std::uint64_t after;
    subscription_sink* sink;
  };

  [[nodiscard]] result<void> step();
  /// One step: register again and fill the gap when Zulip dropped the
  /// queue, else one poll.
  [[nodiscard]] result<void> advance();
  [[nodiscard]] result<void> register_queue();
  [[nodiscard]] result<void> fill_gap();
  [[nodiscard]] result<void> poll();
  [[nodiscard]] result<void> take_events(simdjson::dom::object root);
  void dispatch(const std::vector<message>& batch);

  zulip_config cfg_;
  std::optional<std::string> topic_;
  std::unique_ptr<zulip_api> api_;  // its own client: close() aborts the parked poll
  std::unique_ptr<http::long_poll_loop> loop_;
  // The loop thread's own (open() sets them before the thread starts).
  std::string queue_id_;
  std::int64_t last_event_id_ = -1;
  bool needs_fill_ = false;
  bool quick_poll_ = true;  // the first poll answers at once: health shows connected

  mutable std::mutex mu_;  // held while a sink is called
  std::uint64_t last_delivered_ = 0;
  std::vector<listener> listeners_;
  std::uint64_t next_listener_ = 0;
  int registrations_ = 0;
};

}  // namespace parley::zulip
