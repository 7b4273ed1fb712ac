#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "src/http_client/http_message.hpp"

/// A tiny real HTTP/1.1 server for tests of HTTP clients: it listens on a
/// random loopback port, plays scripted responses in order and records
/// every request. Real sockets, so keep-alive, resets and slow servers are
/// what libcurl really meets. Test code only.
namespace parley::http::testing {

/// What the server does with the next request.
struct scripted_response {
  enum class action {
    /// Answer with status, headers and body.
    respond,
    /// Close the connection without answering (libcurl: "Empty reply").
    drop,
    /// Reset the connection (RST) without answering.
    reset,
    /// Never answer; hold the connection until the client or the server ends it.
    hang,
  };
  action what = action::respond;
  int status = 200;
  header_list headers;
  std::string body;
  /// Waited before answering (or dropping): a slow server.
  std::chrono::milliseconds delay{0};
  /// Close the connection after answering (sends `Connection: close`).
  bool close_after = false;
  /// Send no Content-Length: the body ends when the connection closes (so
  /// the client cannot know the size before reading it). Implies close_after.
  bool until_close = false;
};

/// A plain answer, for short scripts: `server.push(reply(429, "", {{"Retry-After", "1"}}))`.
[[nodiscard]] inline scripted_response reply(int status, std::string body = {},
                                             header_list headers = {}) {
  scripted_response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

/// One request as the server read it.
struct recorded_request {
  std::string method;
  /// The request target: path and query as sent.
  std::string target;
  header_list headers;
  std::string body;
  /// Which accepted connection carried it, counting from 1.
  int connection = 0;

  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const {
    return find_header(headers, name);
  }
};

class scripted_http_server {
 public:
  /// Listens on 127.0.0.1 at a random port, serving at once.
  scripted_http_server();
  scripted_http_server(const scripted_http_server&) = delete;
  scripted_http_server& operator=(const scripted_http_server&) = delete;
  ~scripted_http_server();

  [[nodiscard]] int port() const noexcept { return port_; }
  /// `http://127.0.0.1:<port><path>`.
  [[nodiscard]] std::string url(std::string_view path) const;

  /// Appends to the script; each request takes the first response left.
  void push(scripted_response r);
  /// What requests get once the script is used up: 200 with no body unless set.
  void set_default(scripted_response r);

  [[nodiscard]] std::vector<recorded_request> requests() const;
  /// Connections accepted so far.
  [[nodiscard]] int connections() const;

  /// Closes every connection and joins every thread. Idempotent.
  void stop();

 private:
  void accept_loop();
  void serve(int fd, int connection);
  [[nodiscard]] scripted_response next_response();
  /// Sleeps `d` in slices; false when the server stops meanwhile.
  [[nodiscard]] bool pause(std::chrono::milliseconds d) const;

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::deque<scripted_response> script_;
  scripted_response default_;
  std::vector<recorded_request> requests_;
  int connections_ = 0;
  std::vector<std::thread> workers_;
  std::thread acceptor_;
};

/// A GET of `path` on `server`, labelled `Test GET <path>`, with a 10 s timeout.
[[nodiscard]] inline http_request request_to(const scripted_http_server& server,
                                             const std::string& path = "/x") {
  http_request req;
  req.url = server.url(path);
  req.label = "Test GET " + path;
  req.timeout = std::chrono::milliseconds(10'000);
  return req;
}

}  // namespace parley::http::testing
