#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/support/fake_service.hpp"

namespace parley::matrix::testing {

/// The fake homeserver (backends/matrix/fake/) in a child process on a free
/// loopback port, with its control API (`/_fake/...`) as calls. Started by
/// the constructor, stopped (SIGTERM) by the destructor.
class fake_homeserver : public parley::testing::fake_service {
 public:
  explicit fake_homeserver(std::vector<std::string> extra_args = {});
  [[nodiscard]] static std::string server_name() { return "parley.local"; }

  /// A control API call that must succeed; its JSON answer.
  std::string control(const std::string& method, const std::string& path, const std::string& body = "") {
    return call(method, path, body);
  }
  /// Queues a fault (`{"kind": ...}`, see the fake's README).
  void fault(const std::string& json) { (void)control("POST", "/_fake/faults", json); }
  /// An event from `sender` (a human) in a room; its event id.
  std::string inject(const std::string& room, const std::string& sender, const std::string& content_json,
                     const std::string& extra_members = "");
  /// An access token for `user` without a login.
  struct token {
    std::string access_token;
    std::string user_id;
  };
  token mint_token(const std::string& user);
};

/// The fake of this test process, started on first use: every ctest case is
/// a process of its own, so cases never share one.
[[nodiscard]] fake_homeserver& shared_fake();

}  // namespace parley::matrix::testing
