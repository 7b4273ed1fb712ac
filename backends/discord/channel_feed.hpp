#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "backends/discord/discord_message.hpp"
#include "src/seam/backend.hpp"

namespace parley::discord {

/// Live delivery by channel: the subscribers of each channel and the last
/// message id delivered there. Every message, from the gateway or from a
/// REST gap-fill, goes through deliver(), which drops what is not newer than
/// the channel's last delivered id: a message is delivered once, in id
/// order, however many paths bring it. The last delivered ids live in
/// memory: across a process restart core's own read-state catches up, and a
/// new subscription must not replay what came before it anyway.
///
/// deliver() is called from one thread (the gateway session's); add and
/// remove from any. Sinks are called under the lock, so once remove()
/// returns a sink is never called again.
class channel_feed {
 public:
  /// Subscribes `sink` to `channel_id` as `topic`. `newest` is the channel's
  /// newest message id when subscribing ("0" when empty): nothing at or
  /// before it is delivered.
  std::uint64_t add(const std::string& channel_id, const std::string& topic, subscription_sink& sink,
                    const std::string& newest);
  void remove(std::uint64_t id);
  /// Removes every subscriber.
  void clear();

  /// Hands `m` to its channel's subscribers if it is newer than what they
  /// had. False when no one subscribes to the channel (the message is
  /// skipped) or it was not newer.
  bool deliver(const discord_message& m);

  /// Tells the channel's subscribers that live delivery may have missed
  /// messages (a gap-fill failed): core fills the gap from its own cursor.
  void gap(const std::string& channel_id);

  /// Each subscribed channel with its last delivered id: where a gap-fill
  /// starts.
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> positions() const;
  [[nodiscard]] bool empty() const;

 private:
  struct subscriber {
    std::string channel_id;
    std::string topic;
    /// The channel's newest id when this one subscribed.
    std::string after;
    subscription_sink* sink;
  };
  mutable std::mutex mu_;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, subscriber> subs_;
  std::map<std::string, std::string> last_;  // channel id → last delivered message id
};

}  // namespace parley::discord
