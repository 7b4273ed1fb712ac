#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "backends/slack/slack_api.hpp"
#include "backends/slack/slack_config.hpp"
#include "backends/slack/slack_message.hpp"
#include "backends/slack/socket_session.hpp"
#include "src/seam/backend_operations.hpp"

namespace parley::slack {

/// The Slack backend, in the original parley-slack mapping: the Web API
/// (form-encoded) for posts and history, Socket Mode for live delivery, a
/// topic → channel id through `channel_map`, the message `ts` as id and
/// cursor. Beyond the original: replies as thread replies (`thread_ts`,
/// shown in the channel too) carried back as `in_reply_to`; the agent's
/// handle shown (under its name or as a bold prefix) and read back as the
/// sender; every gap after a reconnect filled from history. See README.md.
class slack_backend final : public backend {
 public:
  slack_backend();
  ~slack_backend() override;

  PARLEY_BACKEND_OPERATIONS(slack_config);

  /// The replies of a thread (conversations.replies), oldest first, without
  /// the parent: what channel-level history does not show.
  [[nodiscard]] result<std::vector<message>> thread_replies(const std::string& topic,
                                                            const std::string& parent_ts);
  /// True when posts show the handle as `username` (else as a prefix).
  [[nodiscard]] bool posts_as_username() const noexcept { return as_username_; }
  /// The bot user the token belongs to (auth.test).
  [[nodiscard]] const bot_identity& self() const noexcept { return self_; }
  /// Socket Mode sessions opened so far (a test hook).
  [[nodiscard]] int sessions() const noexcept { return session_ ? session_->sessions() : 0; }

 private:
  class channel_subscription;

  [[nodiscard]] result<void> check_connected() const;
  [[nodiscard]] form_fields post_fields(const post_request& req) const;

  slack_config cfg_;
  parley::capabilities caps_;
  health_listener health_listener_;
  bot_identity self_;
  bool as_username_ = false;
  std::unique_ptr<slack_api> api_;
  std::unique_ptr<socket_session> session_;
  std::atomic<bool> stopped_{false};
};

}  // namespace parley::slack
