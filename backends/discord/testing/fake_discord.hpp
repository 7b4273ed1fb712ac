#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "src/http_client/http_client.hpp"

namespace parley::discord::testing {

/// The fake Discord (backends/discord/fake/) in a child process on a free
/// loopback port, with its control API (`/_fake/...`) as calls. Started by
/// the constructor, stopped (SIGTERM) by the destructor.
class fake_discord {
 public:
  explicit fake_discord(std::vector<std::string> extra_args = {});
  fake_discord(const fake_discord&) = delete;
  fake_discord& operator=(const fake_discord&) = delete;
  ~fake_discord();

  /// `http://127.0.0.1:<port>`.
  [[nodiscard]] const std::string& url() const noexcept { return url_; }
  /// The REST base the backend is configured with.
  [[nodiscard]] std::string api_url() const { return url_ + "/api/v10"; }
  [[nodiscard]] static std::string token() { return "fake-bot-token"; }

  /// A control API call that must succeed; its JSON answer.
  std::string control(const std::string& method, const std::string& path, const std::string& body = "");
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

 private:
  pid_t pid_ = -1;
  std::string url_;
  http::http_client client_;
};

/// The fake of this test process, started on first use: every ctest case is
/// a process of its own, so cases never share one. Heartbeats every second,
/// an identify budget that does not slow tests down.
[[nodiscard]] fake_discord& shared_fake();

}  // namespace parley::discord::testing
