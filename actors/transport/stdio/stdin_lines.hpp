#pragma once

#include <caf/actor.hpp>

#include <cstddef>
#include <string>

namespace parley {

/// Turns the bytes read from stdin into JSON-RPC lines for a session: each
/// complete line becomes an rpc_input; blank lines are skipped and one
/// trailing `\r` is stripped. A line longer than `max_line_bytes` is counted
/// and discarded as it streams in (never held whole) and reported as
/// oversized_input.
class stdin_lines {
 public:
  stdin_lines(caf::actor session, std::size_t max_line_bytes);

  /// Takes the next chunk of input.
  void feed(const char* data, std::size_t size);
  /// End of input: a last line without its newline still counts.
  void finish();

 private:
  void take(const char* p, std::size_t len);
  void finish_line();

  caf::actor session_;
  std::size_t max_line_bytes_;
  std::string line_;
  bool discarding_ = false;
  std::size_t discarded_ = 0;
};

}  // namespace parley
