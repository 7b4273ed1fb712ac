#pragma once

#include <memory>
#include <string>

namespace parley {

/// Where an mcp_session's outgoing JSON-RPC messages go: stdout for the stdio
/// channel, an SSE stream or an HTTP response for the gateway. Thread-safe;
/// never blocks the caller (the actor) on I/O.
class session_output {
 public:
  virtual ~session_output() = default;

  /// Queues one serialized JSON-RPC message (no trailing newline). The
  /// string may be shared with other sessions: never modify it.
  /// `droppable` marks channel notifications, which a transport may drop
  /// under backpressure (the backend still has them); responses never are.
  virtual void send(std::shared_ptr<const std::string> json, bool droppable) = 0;
};

}  // namespace parley
