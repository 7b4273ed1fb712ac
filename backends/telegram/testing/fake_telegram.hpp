#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tests/support/fake_service.hpp"

namespace parley::telegram::testing {

/// The fake Bot API (backends/telegram/fake/) in a child process on a free
/// loopback port, and its control API (`/_fake/...`, see CHECKLIST.md
/// there) as calls. Started by the constructor, stopped by the destructor.
class fake_telegram : public parley::testing::fake_service {
 public:
  /// `tokens`: `TOKEN[:USERNAME]` each; none: the fake's default.
  explicit fake_telegram(const std::vector<std::string>& tokens = {});

  /// A control API call (`/_fake/<path>`) that must succeed; its JSON answer.
  std::string control(const std::string& method, const std::string& path,
                      const std::string& json_body = "") {
    return call(method, "/_fake/" + path, json_body);
  }
  /// A human's text message in `chat_id` (forum topic `thread` when not 0); its message_id.
  std::int64_t post_as_human(std::int64_t chat_id, const std::string& text, std::int64_t thread = 0);
  /// An update of another `kind` (sticker, service, edited_message, …).
  void post_kind(std::int64_t chat_id, const std::string& kind, const std::string& text = "x");
};

/// The fake of this test process, started on first use: every ctest case is
/// a process of its own, so cases never share one.
[[nodiscard]] fake_telegram& shared_fake();

/// The fake's default bot token.
inline constexpr const char* fake_token = "123456:TEST-TOKEN";

}  // namespace parley::telegram::testing
