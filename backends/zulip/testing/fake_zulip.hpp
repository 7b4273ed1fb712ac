#pragma once

#include <string>
#include <vector>

#include "tests/support/fake_service.hpp"

namespace parley::zulip::testing {

/// The fake Zulip (backends/zulip/fake/) in a child process on a free
/// loopback port, and its control API (`/_fake/...`, see CHECKLIST.md
/// there) as calls. Started by the constructor, stopped by the destructor.
class fake_zulip : public parley::testing::fake_service {
 public:
  /// `extra` are further command-line arguments (`--heartbeat-s 1`).
  explicit fake_zulip(std::vector<std::string> extra = {});

  /// A control API call (`/_fake/<path>`) that must succeed; its JSON answer.
  std::string control(const std::string& method, const std::string& path, const std::string& json_body = "") {
    return call(method, "/_fake/" + path, json_body);
  }
  /// A human's (alice's) message in `topic` of the stream `parley`; its id.
  std::string post_as_human(const std::string& topic, const std::string& content,
                            const std::string& stream = "parley");
};

/// The fake of this test process, started on first use: every ctest case is
/// a process of its own, so cases never share one.
[[nodiscard]] fake_zulip& shared_fake();

}  // namespace parley::zulip::testing
