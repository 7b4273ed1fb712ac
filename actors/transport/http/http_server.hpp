#pragma once

// A small HTTP/1.1 server (Boost.Beast on Asio) with no Beast types in its
// interface, so Beast's compile cost stays in http_server.cpp. A few I/O
// threads serve every connection and every SSE stream; handlers answer from
// any thread.

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace parley::http {

using headers = std::vector<std::pair<std::string, std::string>>;

struct request {
  std::string method;
  std::string target;
  /// Header names lower-cased.
  std::map<std::string, std::string> header;
  std::string body;
  std::string peer;

  [[nodiscard]] const std::string* find(const std::string& lower_name) const {
    auto it = header.find(lower_name);
    return it == header.end() ? nullptr : &it->second;
  }
};

struct response {
  int status = 200;
  headers header;
  std::string body;
};

/// An open server-sent events stream. Thread-safe.
class event_stream {
 public:
  virtual ~event_stream() = default;
  /// Queues one event (`id:` line omitted when empty). False once closed.
  virtual bool send(const std::string& id, const std::string& data) = 0;
  /// Queues a comment line (keep-alive).
  virtual bool comment(const std::string& text) = 0;
  /// Bytes queued but not yet written: the client's backlog.
  [[nodiscard]] virtual std::size_t backlog() const = 0;
  [[nodiscard]] virtual bool closed() const = 0;
  virtual void close() = 0;
  /// Called once when the stream ends (client gone or close()).
  virtual void on_close(std::function<void()> fn) = 0;
};

/// One request being answered. Exactly one of respond() or open_stream().
class exchange {
 public:
  virtual ~exchange() = default;
  virtual void respond(response r) = 0;
  /// Answers 200 with `text/event-stream` and these extra headers; the
  /// connection then carries the stream until it closes.
  [[nodiscard]] virtual std::shared_ptr<event_stream> open_stream(headers extra) = 0;
};

using handler = std::function<void(request, std::shared_ptr<exchange>)>;

struct server_options {
  std::string host = "127.0.0.1";
  unsigned short port = 0;
  std::size_t io_threads = 2;
  /// Larger bodies are answered 413 without reading them.
  std::size_t max_body_bytes = 4u << 20;
};

class server {
 public:
  virtual ~server() = default;
  /// The port actually bound (useful with port 0).
  [[nodiscard]] virtual unsigned short port() const = 0;
  /// Stops accepting, closes every connection and joins the I/O threads.
  virtual void stop() = 0;
};

/// Binds and starts serving; the error text names the address on failure.
[[nodiscard]] std::unique_ptr<server> start(const server_options& opts, handler h, std::string& error);

}  // namespace parley::http
