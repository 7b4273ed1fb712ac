#pragma once

#include <string>
#include <vector>

#include "tests/support/fake_service.hpp"

namespace parley::discord::testing {

/// The fake Discord (backends/discord/fake/) in a child process on a free
/// loopback port, with its control API (`/_fake/...`) as calls. Started by
/// the constructor, stopped (SIGTERM) by the destructor.
class fake_discord : public parley::testing::fake_service {
 public:
  explicit fake_discord(std::vector<std::string> extra_args = {});
  /// The REST base the backend is configured with.
  [[nodiscard]] std::string api_url() const { return url() + "/api/v10"; }
  [[nodiscard]] static std::string token() { return "fake-bot-token"; }

  /// A control API call that must succeed; its JSON answer.
  std::string control(const std::string& method, const std::string& path, const std::string& body = "") {
    return call(method, path, body);
  }
  /// POSTs `body` to `/_fake/<path>`.
  void post(const std::string& path, const std::string& body = "{}") { (void)control("POST", "/_fake/" + path, body); }
  /// A new channel; its id.
  std::string add_channel(const std::string& name = "parley");
  /// A human's message in a channel; its id.
  std::string human_post(const std::string& channel_id, const std::string& username, const std::string& content);
  /// A webhook URL of a channel.
  std::string add_webhook(const std::string& channel_id);
  /// A counter from `/_fake/stats` (identify, resume, resume_refused, ...).
  long stat(const std::string& name);
};

/// The fake of this test process, started on first use: every ctest case is
/// a process of its own, so cases never share one. Heartbeats every second,
/// an identify budget that does not slow tests down.
[[nodiscard]] fake_discord& shared_fake();

}  // namespace parley::discord::testing
