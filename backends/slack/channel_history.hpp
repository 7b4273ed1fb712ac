#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "backends/slack/slack_api.hpp"
#include "backends/slack/slack_message.hpp"
#include "src/model/message.hpp"

namespace parley::slack {

/// One channel's history as Parley reads it, through conversations.history
/// (`limit=200`, cursor-paged, `oldest` exclusive, never `inclusive`): only
/// messages that count (to_message), at channel level, so thread-only
/// replies are not seen.
class channel_history {
 public:
  channel_history(slack_api& api, std::string channel, std::string topic, const bot_identity& self)
      : api_(api), channel_(std::move(channel)), topic_(std::move(topic)), self_(self) {}

  /// The newest `limit` messages, ascending: pages back from the newest
  /// until `limit` have been collected.
  [[nodiscard]] result<page> newest(std::size_t limit);
  /// The oldest `limit` messages strictly after `since`, ascending: walks
  /// every page back to `since`.
  [[nodiscard]] result<page> after(const std::string& since, std::size_t limit);
  /// Every message after `since`, ascending (a gap-fill).
  [[nodiscard]] result<std::vector<message>> all_after(const std::string& since);
  /// The ts of the channel's newest message of any kind, or "0".
  [[nodiscard]] result<std::string> latest_ts();
  /// A thread's replies (conversations.replies), ascending, without the parent.
  [[nodiscard]] result<std::vector<message>> thread(const std::string& parent_ts);

 private:
  /// Pages through `method` (`fields` plus `channel`, `limit` and each
  /// page's cursor), calling `take` on each message that counts, in the
  /// order Slack lists them, until it returns false.
  template <class Take>
  [[nodiscard]] result<void> walk(const std::string& method, form_fields fields, Take&& take);

  slack_api& api_;
  std::string channel_;
  std::string topic_;
  const bot_identity& self_;
};

}  // namespace parley::slack
