#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "backends/discord/channel_feed.hpp"
#include "backends/discord/discord_api.hpp"
#include "backends/discord/discord_config.hpp"
#include "src/seam/backend_operations.hpp"

namespace parley::discord {

/// The Discord backend, in the original parley-discord mapping over REST
/// v10 and the gateway: a topic is a channel (`channel_map`, else the topic
/// is the channel id), the message's snowflake is id and cursor, catch-up
/// pages `after=`, live delivery from one gateway socket per backend.
/// Beyond the original: RESUME, a REST gap-fill after every new session,
/// the identify budget, replies as `message_reference`, and per-handle
/// attribution through channel webhooks. See README.md beside this file.
class gateway_session;

class discord_backend final : public backend {
 public:
  discord_backend();
  ~discord_backend() override;

  PARLEY_BACKEND_OPERATIONS(discord_config);

  /// The channel id of a topic, or errc::no_such_topic when the topic is
  /// neither in channel_map nor an id.
  [[nodiscard]] result<std::string> channel_of(const std::string& topic) const;
  /// The bot account, known after connect().
  [[nodiscard]] const bot_user& bot() const noexcept { return bot_; }

 private:
  class channel_subscription;

  /// Starts the gateway on first use and waits for its session.
  [[nodiscard]] result<void> ensure_gateway();
  /// A MESSAGE_CREATE from the gateway.
  void on_gateway_message(const discord_message& m);
  /// After a new session: every subscribed channel from its last delivered id.
  void fill_gaps();
  [[nodiscard]] result<std::string> newest_id(const std::string& channel_id);
  [[nodiscard]] result<page> fetch_after(const std::string& channel_id, const std::string& topic,
                                         const std::string& since, std::size_t limit);

  discord_config cfg_;
  parley::capabilities caps_;
  health_listener health_listener_;
  std::unique_ptr<discord_api> api_;
  bot_user bot_;
  channel_feed feed_;
  std::mutex gateway_mu_;
  std::unique_ptr<gateway_session> gateway_;
};

}  // namespace parley::discord
