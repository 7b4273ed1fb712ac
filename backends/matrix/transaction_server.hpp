#pragma once

#include <functional>
#include <memory>
#include <string>

#include "src/error/result.hpp"

namespace parley::matrix {

/// One request to the transaction server.
struct inbound_request {
  std::string method;
  /// The path and query, as sent.
  std::string target;
  /// The Authorization header, or empty.
  std::string authorization;
  std::string body;
};

/// Its answer: a status and a JSON body.
struct inbound_answer {
  int status = 200;
  std::string body = "{}";
};

/// A small HTTP/1.1 server on its own thread, for the transactions a
/// homeserver pushes to an application service: every request goes to one
/// handler, one at a time. The only file of this backend with Boost.Beast
/// (costly to compile).
class transaction_server {
 public:
  using handler = std::function<inbound_answer(const inbound_request&)>;

  /// Binds `host:port` (port 0: any free one) and starts serving.
  [[nodiscard]] static result<std::unique_ptr<transaction_server>> start(const std::string& host, int port,
                                                                         handler on_request);
  /// Stops serving and joins the thread.
  ~transaction_server();
  transaction_server(const transaction_server&) = delete;
  transaction_server& operator=(const transaction_server&) = delete;

  /// The port bound.
  [[nodiscard]] int port() const noexcept;

 private:
  struct impl;
  explicit transaction_server(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

}  // namespace parley::matrix
