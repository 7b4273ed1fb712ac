#pragma once

#include <caf/fwd.hpp>

#include <cstddef>
#include <memory>

#include "actors/session_output.hpp"

namespace parley {

/// Writes JSON-RPC lines to stdout: at once when the pipe has room, else from
/// its own thread, so a client that reads slowly never blocks an actor. Channel notifications beyond
/// `max_queued_bytes` waiting to be written are dropped (and counted); the
/// backend still has them and the session's read cursor lets a restart catch
/// up. Responses are always queued.
class stdout_writer final : public session_output {
 public:
  explicit stdout_writer(std::size_t max_queued_bytes = 64u << 20);
  ~stdout_writer() override;

  void response(const std::string& id_json, std::shared_ptr<const std::string> json) override;
  void notification(std::shared_ptr<const std::string> json, const droppable_event* event) override;
  /// Writes out what is queued (up to `timeout_ms`), then stops the thread.
  void close(int timeout_ms);
  [[nodiscard]] std::size_t dropped() const;

 private:
  void send(std::shared_ptr<const std::string> json, bool droppable);
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Reads newline-delimited JSON-RPC from stdin and sends each line to
/// `session` (stdin_lines.hpp says how lines are cut). Under the stdio_loop
/// scheduler the scheduler thread reads when stdin has data; otherwise a
/// detached thread does. At end of input (or a read error) `on_eof` gets a
/// shutdown_request.
void start_stdin_reader(caf::actor session, caf::actor on_eof, std::size_t max_line_bytes);

}  // namespace parley
