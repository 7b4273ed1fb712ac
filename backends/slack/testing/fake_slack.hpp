#pragma once

#include <memory>
#include <string>

#include "tests/support/fake_service.hpp"

namespace parley::slack::testing {

/// The fake Slack (backends/slack/fake/) in a child process on a free
/// loopback port, and its control API (`/_fake/...`, see CHECKLIST.md
/// there) as calls. Started by the constructor, stopped by the destructor.
class fake_slack : public parley::testing::fake_service {
 public:
  fake_slack();

  /// A control API call (`/_fake/<path>`) that must succeed; its JSON
  /// answer. The Web API is under `url() + "/api"`.
  std::string control(const std::string& method, const std::string& path,
                      const std::string& json_body = "") {
    return call(method, "/_fake/" + path, json_body);
  }
  /// A human's message in `channel` (sent live); its ts.
  std::string post_as_human(const std::string& channel, const std::string& text);
};

/// The fake of this test process, started on first use: every ctest case is
/// a process of its own, so cases never share one.
[[nodiscard]] fake_slack& shared_fake();

}  // namespace parley::slack::testing
