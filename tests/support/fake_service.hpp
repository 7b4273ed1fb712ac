#pragma once

#include <string>
#include <vector>

#include "src/http_client/http_client.hpp"
#include "tests/support/child_server.hpp"

namespace parley::testing {

/// A fake of a hosted chat service (a Python script under
/// backends/<name>/fake/, printing `PORT <n>`) in a child process on a free
/// loopback port, and a client for its control API. The Matrix, Slack and
/// Discord test fakes build on it.
class fake_service {
 public:
  /// `argv[0]` is an absolute path to the program.
  explicit fake_service(std::vector<std::string> argv);
  fake_service(const fake_service&) = delete;
  fake_service& operator=(const fake_service&) = delete;
  /// Requests in flight end before the child goes.
  ~fake_service();

  /// `http://127.0.0.1:<port>`.
  [[nodiscard]] const std::string& url() const noexcept { return url_; }
  [[nodiscard]] pid_t pid() const noexcept { return process_.pid(); }

  /// `method url()+path` with a JSON body (none when empty); the answer's
  /// body when 2xx, else std::runtime_error naming the call and the status.
  std::string call(const std::string& method, const std::string& path, const std::string& json_body = "");

  /// The member `key` of a JSON object answer: a string as is, anything else
  /// as JSON text; "" when absent or not JSON.
  [[nodiscard]] static std::string member(const std::string& json, const std::string& key);

 private:
  child_server process_;
  std::string url_;
  http::http_client client_;
};

}  // namespace parley::testing
