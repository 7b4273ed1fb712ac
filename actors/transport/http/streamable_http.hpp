#pragma once

// The Streamable HTTP rules of MCP at one endpoint (/mcp): which headers a
// request must carry (Content-Type, Accept, Mcp-Session-Id,
// MCP-Protocol-Version), what POST, GET and DELETE do, and how answers go
// back. Who may call, and which sessions exist, is the host's business
// (session_directory); how bytes move is the HTTP server's.

#include <caf/actor.hpp>

#include <memory>
#include <string>
#include <variant>

#include "actors/transport/http/http_server.hpp"
#include "actors/transport/http/http_session_output.hpp"

namespace parley::streamable_http {

/// One MCP session as these rules see it: the id its client sends back in
/// `Mcp-Session-Id`, the session actor, and its output.
struct session {
  std::string id;
  caf::actor actor;
  std::shared_ptr<http_session_output> output;
};

/// The sessions one caller (one credential) may use. Implemented by the
/// host that owns the sessions.
class session_directory {
 public:
  virtual ~session_directory() = default;
  /// Opens a session for an `initialize` without Mcp-Session-Id, or the
  /// response that refuses it (too many sessions, a quota).
  [[nodiscard]] virtual std::variant<std::shared_ptr<session>, http::response> open() = 0;
  /// The caller's session with this id, or nullptr (unknown, or another
  /// credential's).
  [[nodiscard]] virtual std::shared_ptr<session> find(const std::string& id) = 0;
  /// Ends the session (a DELETE): it says goodbye and is forgotten.
  virtual void end(const session& s) = 0;
};

/// A JSON-RPC error as the whole body of an HTTP answer (id null).
[[nodiscard]] http::response json_error(int status, int code, const std::string& message);

/// Serves one request to the MCP endpoint: POST, GET or DELETE by the
/// Streamable HTTP rules, 405 for any other method.
void serve(http::request req, const std::shared_ptr<http::exchange>& ex,
           session_directory& sessions);

}  // namespace parley::streamable_http
