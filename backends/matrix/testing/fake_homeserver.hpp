#pragma once

#include <memory>
#include <string>
#include <vector>

#include "src/http_client/http_client.hpp"
#include "tests/support/child_server.hpp"

namespace parley::matrix::testing {

/// The fake homeserver (backends/matrix/fake/) in a child process on a free
/// loopback port, with its control API (`/_fake/...`) as calls. Started by
/// the constructor, stopped (SIGTERM) by the destructor.
class fake_homeserver {
 public:
  explicit fake_homeserver(std::vector<std::string> extra_args = {});
  fake_homeserver(const fake_homeserver&) = delete;
  fake_homeserver& operator=(const fake_homeserver&) = delete;
  ~fake_homeserver();

  /// `http://127.0.0.1:<port>`.
  [[nodiscard]] const std::string& url() const noexcept { return url_; }
  [[nodiscard]] static std::string server_name() { return "parley.local"; }

  /// A control API call that must succeed; its JSON answer.
  std::string control(const std::string& method, const std::string& path, const std::string& body = "");
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

 private:
  std::unique_ptr<parley::testing::child_server> process_;
  std::string url_;
  http::http_client client_;
};

/// The fake of this test process, started on first use: every ctest case is
/// a process of its own, so cases never share one.
[[nodiscard]] fake_homeserver& shared_fake();

}  // namespace parley::matrix::testing
