#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "backends/slack/slack_api.hpp"
#include "backends/slack/slack_message.hpp"
#include "src/seam/backend.hpp"
#include "src/ws_client/ws_connection.hpp"

namespace parley::slack {

/// A backend's one Socket Mode session: a thread that asks
/// apps.connections.open for a single-use URL, connects, waits for `hello`,
/// then receives envelopes, acks each (`{"envelope_id": …}`) before looking
/// at it, and hands `events_api` message events to the subscriptions of
/// their channel. On a `disconnect` envelope or a closed socket it connects
/// again with a fresh URL (backoff 200 ms doubling to 5 s) and, before any
/// new event, fills every subscription's gap from history.
///
/// Each subscription delivers only messages with a `ts` after the last it
/// delivered (at first: the channel's newest when it began), so a message
/// the gap-fill and the socket (or a Slack retry) both bring is handed out
/// once, in ts order. Frames that are not usable (not JSON, not UTF-8,
/// over 1 MiB, for a channel nobody subscribed) are skipped with a log line;
/// the connection stays.
class socket_session {
 public:
  socket_session(slack_api& api, const bot_identity& self, health_listener on_health);
  socket_session(const socket_session&) = delete;
  socket_session& operator=(const socket_session&) = delete;
  ~socket_session();

  /// Starts the thread on first use and waits until it is connected
  /// (`hello`), at most `wait`; then returns at once while it reconnects.
  [[nodiscard]] result<void> ensure_started(std::chrono::milliseconds wait);
  /// Ends the thread; call after slack_api::stop().
  void stop();

  /// Delivers `channel`'s messages with a ts after `after_ts` to `sink` as
  /// `topic`. Returns an id for remove().
  [[nodiscard]] std::uint64_t add(const std::string& channel, const std::string& topic,
                                  const std::string& after_ts, subscription_sink& sink);
  /// Once it returns, the sink is not called again.
  void remove(std::uint64_t id);
  /// Drops every subscriber.
  void clear();

  /// Sessions opened so far (1 after the first hello): a test hook.
  [[nodiscard]] int sessions() const noexcept { return sessions_.load(); }

 private:
  struct listener {
    std::uint64_t id;
    std::string channel;
    std::string topic;
    subscription_sink* sink;
    std::string last_ts;
  };
  /// What a frame or a connection came to.
  enum class ending { keep_going, closed, disconnect, stopping };

  void run();
  /// Opens one connection; null when it failed (logged, health reported).
  [[nodiscard]] std::unique_ptr<ws::ws_connection> open();
  /// Waits for hello, fills gaps after a reconnect, then receives until the end.
  [[nodiscard]] ending serve(ws::ws_connection& conn);
  [[nodiscard]] bool await_hello(ws::ws_connection& conn);
  [[nodiscard]] ending on_frame(ws::ws_connection& conn, const std::string& frame);
  void route(simdjson::dom::object event);
  void fill_gaps();
  void deliver(listener& l, message m);
  void report(health h, const std::string& why);
  void wait(std::chrono::milliseconds d);

  slack_api& api_;
  const bot_identity& self_;
  health_listener on_health_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> sessions_{0};

  std::mutex mu_;
  std::condition_variable cv_;
  bool started_ = false;
  bool connected_ = false;
  std::optional<error> start_error_;
  ws::ws_connection* conn_ = nullptr;
  std::vector<listener> listeners_;
  std::set<std::string> unknown_channels_;  // logged once each
  std::uint64_t next_id_ = 0;
};

}  // namespace parley::slack
