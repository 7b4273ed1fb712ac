#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "backends/redis/link_monitor.hpp"
#include "backends/redis/redis_config.hpp"
#include "src/seam/backend.hpp"
#include "backends/redis/stream_entry.hpp"

namespace parley::redis {

struct reader_state;

/// The live path of one backend instance: ONE thread, on its own
/// connection, blocked in one `XREAD COUNT n BLOCK ms STREAMS k1 k2 … id1
/// id2 …` over every subscribed stream, delivering each entry to the sinks
/// of its stream in id order.
///
/// Positions: each subscription remembers the last id it was given (at
/// first the stream's last-generated-id, read by subscribe). Each XREAD
/// asks a stream for what follows the lowest of its subscriptions'
/// positions, and a subscription only receives ids above its own. So a
/// reconnect, a wake, or a reply thrown away resumes exactly where delivery
/// stopped: nothing is skipped, nothing repeated.
///
/// Waking: when the set of streams changes (a first subscriber to a stream,
/// the last one leaving) or the backend stops, the blocked XREAD is
/// interrupted with shutdown(2) on its socket and the reader reconnects at
/// once. See README.md for why this and not CLIENT UNBLOCK.
class stream_reader {
 public:
  stream_reader(endpoint ep, std::chrono::milliseconds block, std::chrono::milliseconds timeout,
                std::int64_t count, std::shared_ptr<link_monitor> monitor);
  ~stream_reader();
  stream_reader(const stream_reader&) = delete;
  stream_reader& operator=(const stream_reader&) = delete;

  void start();
  /// Stops the thread and drops every subscription: once this returns, no
  /// sink is called again. Not from inside a sink.
  void stop();

  /// Delivers entries of `key` above `tail` to `sink` as messages of `topic`.
  [[nodiscard]] std::unique_ptr<subscription> add(const std::string& topic, const std::string& key,
                                                  stream_id tail, subscription_sink& sink);

  /// The monitor's state changed: interrupt a blocked XREAD on a loss, start
  /// reading again on a reconnect.
  void on_health(health state);

 private:
  void run();

  const endpoint ep_;
  const std::chrono::milliseconds block_;
  const std::chrono::milliseconds timeout_;
  const std::int64_t count_;
  const std::shared_ptr<link_monitor> monitor_;
  std::shared_ptr<reader_state> state_;
  std::thread thread_;
};

}  // namespace parley::redis
