#pragma once

#include <memory>
#include <string>

#include "src/http_client/http_client.hpp"
#include "tests/support/child_server.hpp"

namespace parley::slack::testing {

/// The fake Slack (backends/slack/fake/) in a child process on a free
/// loopback port, and its control API (`/_fake/...`, see CHECKLIST.md
/// there) as calls. Started by the constructor, stopped by the destructor.
class fake_slack {
 public:
  fake_slack();
  fake_slack(const fake_slack&) = delete;
  fake_slack& operator=(const fake_slack&) = delete;
  ~fake_slack();

  /// `http://127.0.0.1:<port>`; the Web API is under `/api`.
  [[nodiscard]] const std::string& url() const noexcept { return url_; }

  /// A control API call that must succeed; its JSON answer.
  std::string control(const std::string& method, const std::string& path,
                      const std::string& json_body = "");
  /// A human's message in `channel` (sent live); its ts.
  std::string post_as_human(const std::string& channel, const std::string& text);
  /// A JSON member of a control answer, as text ("" when absent).
  [[nodiscard]] static std::string member(const std::string& json, const std::string& key);

 private:
  std::unique_ptr<parley::testing::child_server> process_;
  std::string url_;
  http::http_client client_;
};

/// The fake of this test process, started on first use: every ctest case is
/// a process of its own, so cases never share one.
[[nodiscard]] fake_slack& shared_fake();

}  // namespace parley::slack::testing
