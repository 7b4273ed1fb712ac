#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "src/error/result.hpp"

namespace parley::ws {

/// Settings for one WebSocket connection.
struct ws_settings {
  /// Resolving, connecting, the TLS and the WebSocket handshakes together.
  std::chrono::milliseconds handshake_timeout{10'000};
  /// Silence after which the connection is declared dead; a ping goes out at
  /// half of it, so a live peer always answers in time. Catches a socket that
  /// died without a FIN (a NAT dropping state, a server host gone).
  std::chrono::milliseconds idle_timeout{60'000};
  /// A bigger incoming message fails the connection (close 1009). Discord's
  /// READY for a large guild runs to megabytes, so the default is generous.
  std::size_t max_message_bytes = 16 * 1024 * 1024;
  /// Messages received and not yet taken by receive(); beyond it the reader
  /// stops reading until there is room (TCP pushes back on the server).
  std::size_t max_queued_messages = 4096;
  /// A PEM file of extra trust anchors (a test's self-signed CA). Empty: the
  /// system store only.
  std::string ca_file;
  /// Extra handshake headers (e.g. Authorization). Values are never logged
  /// nor put in an error.
  std::vector<std::pair<std::string, std::string>> headers;
  /// Used in errors: "Discord gateway", "Slack Socket Mode". Never a URL.
  std::string label = "websocket";
};

/// How the connection ended.
struct ws_closed {
  /// The close code the server sent (e.g. Discord's 4004), or 1006 when the
  /// connection dropped without a close frame.
  std::uint16_t code = 1006;
  std::string reason;
};

/// One WebSocket client connection, `ws://` or `wss://`. TLS verifies the
/// certificate chain and the host name and sends SNI. The socket is served
/// by the process's shared WebSocket I/O thread; a backend thread waits on
/// receive() and sends from any thread, so no actor and no backend thread
/// ever blocks on the socket itself.
///
/// Errors read `<label> → <what happened>` and never contain the URL's path
/// or query (single-use tickets and tokens live there) or a header value.
class ws_connection {
 public:
  /// Connects and completes the handshake, or fails: errc::invalid_argument
  /// for a URL that is not ws:// or wss://, errc::backend_unavailable for
  /// everything the network or the server refused (with the reason:
  /// certificate, host name, HTTP status of the upgrade, timeout).
  [[nodiscard]] static result<std::unique_ptr<ws_connection>> open(const std::string& url,
                                                                  const ws_settings& settings);

  /// Closes the socket if still open and waits until the I/O thread has let
  /// go of it.
  ~ws_connection();
  ws_connection(const ws_connection&) = delete;
  ws_connection& operator=(const ws_connection&) = delete;

  /// The next text (or binary) message, waiting up to `timeout`. nullopt on
  /// timeout. Fails with errc::not_connected once the connection has ended
  /// and every message received before the end has been taken; closed()
  /// then says how it ended.
  [[nodiscard]] result<std::optional<std::string>> receive(std::chrono::milliseconds timeout);

  /// Queues a text message; messages go out in the order queued. Fails with
  /// errc::not_connected once the connection has ended.
  [[nodiscard]] result<void> send(std::string text);

  /// Starts a close handshake with `code`; receive() then drains and ends.
  /// Callable from any thread, idempotent; wakes a waiting receive().
  void close(std::uint16_t code = 1000, std::string reason = {});

  /// How the connection ended; nullopt while open.
  [[nodiscard]] std::optional<ws_closed> closed() const;

  struct state;

 private:
  explicit ws_connection(std::shared_ptr<state> s);
  std::shared_ptr<state> state_;
};

}  // namespace parley::ws
