#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include "backends/discord/discord_api.hpp"
#include "backends/discord/discord_config.hpp"
#include "backends/discord/discord_message.hpp"
#include "backends/discord/gateway_protocol.hpp"
#include "src/seam/backend.hpp"
#include "src/ws_client/ws_connection.hpp"

namespace parley::discord {

/// What the session hands its owner, always from the session thread.
struct gateway_hooks {
  /// A MESSAGE_CREATE.
  std::function<void(const discord_message&)> on_message;
  /// A new session is READY: Discord replays nothing from before it, so the
  /// owner fills the gap from REST before any later dispatch is handled.
  std::function<void()> on_new_session;
  health_listener on_health;
};

/// The gateway connection of one backend: one thread that owns one socket
/// at a time and runs HELLO → heartbeats → IDENTIFY (or RESUME) → READY →
/// dispatches, reconnecting with the original's backoff, resuming where
/// Discord allows it, spending the identify budget only when there is some,
/// and stopping for good on a terminal close code (4004, 4010–4014) with
/// health `failed`.
class gateway_session {
 public:
  gateway_session(discord_api& api, const discord_config& cfg, gateway_hooks hooks);
  /// stop().
  ~gateway_session();
  gateway_session(const gateway_session&) = delete;
  gateway_session& operator=(const gateway_session&) = delete;

  /// Starts the session thread.
  void start();
  /// Waits until a session is READY (or RESUMED), up to `timeout`; the
  /// terminal error when the gateway gave up.
  [[nodiscard]] result<void> wait_ready(std::chrono::milliseconds timeout);
  /// Ends the thread: closes the socket, wakes every wait, joins.
  void stop();

 private:
  enum class next_step { resume, identify, stop };
  struct connection_state;

  void run();
  [[nodiscard]] next_step connect_once(bool resume);
  [[nodiscard]] next_step serve(ws::ws_connection& conn, bool resume);
  [[nodiscard]] std::optional<next_step> on_frame(ws::ws_connection& conn, connection_state& st,
                                                  const gateway::frame& f);
  void on_dispatch(const gateway::frame& f);
  [[nodiscard]] next_step on_closed(const ws::ws_connection& conn);
  [[nodiscard]] std::optional<next_step> beat(ws::ws_connection& conn, connection_state& st);
  /// Waits until the identify budget allows an IDENTIFY; the URL to use.
  [[nodiscard]] result<std::string> identify_url();
  void set_ready(bool ready, std::optional<error> terminal = std::nullopt);
  void report(health h, const std::string& why);
  /// Sleeps unless stop() comes first; false when stopped.
  [[nodiscard]] bool sleep_for(std::chrono::milliseconds d);

  discord_api& api_;
  discord_config cfg_;
  gateway_hooks hooks_;
  std::mt19937_64 rng_;

  // Session state: owned by the session thread.
  std::string session_id_;
  std::string resume_url_;
  std::optional<std::int64_t> seq_;
  int failures_ = 0;
  std::optional<health> reported_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool ready_ = false;
  std::optional<error> terminal_;
  std::atomic<bool> stopping_{false};
  ws::ws_connection* conn_ = nullptr;  // the open socket, for stop()
  std::thread thread_;
};

}  // namespace parley::discord
