#pragma once

#include <memory>
#include <string>

namespace parley {

/// Identifies a channel event that a transport may drop under backpressure
/// (the backend still has the message): its topic and cursor, so the
/// transport can later say what was missed and from where to fetch it.
struct droppable_event {
  std::string topic;
  std::string cursor;
};

/// Where an mcp_session's outgoing JSON-RPC messages go: stdout for the stdio
/// channel; the waiting HTTP request (responses) or the session's SSE stream
/// (notifications) for the gateway. Thread-safe; never blocks the caller (an
/// actor) on I/O. Strings may be shared between sessions: never modify them.
class session_output {
 public:
  virtual ~session_output() = default;

  /// The answer to the request with this id (`"null"` when the request's id
  /// could not be read).
  virtual void response(const std::string& id_json, std::shared_ptr<const std::string> json) = 0;

  /// A server-initiated notification. With `event` set it is a channel
  /// event of that topic, which may be dropped under backpressure.
  virtual void notification(std::shared_ptr<const std::string> json, const droppable_event* event) = 0;
};

}  // namespace parley
