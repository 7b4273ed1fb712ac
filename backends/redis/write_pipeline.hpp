#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "backends/redis/link_monitor.hpp"
#include "backends/redis/redis_connection.hpp"

namespace parley::redis {

struct wire;

/// The write connection, shared by every posting thread, as a true pipeline:
/// any number of commands in flight, replies matched to callers in order.
///
/// Sending and receiving are turns taken by the posting callers themselves,
/// with no writer thread in between:
/// - to send, a caller appends its command to the connection's in-flight
///   queue and its bytes to the output buffer (one short critical section);
///   if nobody is writing, it takes the sending turn and writes the buffer,
///   which by then may hold the commands of other callers too, until it is
///   empty;
/// - to receive, the caller whose reply is outstanding either waits to be
///   handed its reply, or, if nobody is reading, takes the reading turn: it
///   reads the socket, hands each reply to its caller in queue order, and
///   when its own reply has come passes the turn to the oldest caller still
///   waiting.
///
/// So an idle bridge posts in one round trip with no thread hand-off, and
/// many posters keep the server busy: it reads whatever arrived in one pass
/// of its event loop, fsyncs once for all of it (`appendfsync always`) and
/// answers. A post returns only once Redis answered it. If the connection
/// fails with commands in flight they fail ("may or may not have been
/// stored") and are never resent, so nothing is stored twice.
class write_pipeline {
 public:
  write_pipeline(endpoint ep, std::chrono::milliseconds timeout,
                 std::shared_ptr<link_monitor> monitor, connection first,
                 std::uint64_t first_epoch);
  ~write_pipeline();
  write_pipeline(const write_pipeline&) = delete;
  write_pipeline& operator=(const write_pipeline&) = delete;

  /// Sends `command` (an XADD) and returns its string reply: the entry id.
  /// `what` names it in errors. Fails fast with backend_unavailable while the
  /// monitor is not connected.
  [[nodiscard]] result<std::string> submit(const command_args& command, const std::string& what);

  /// Fails what is in flight, refuses later submits (not_connected) and
  /// closes the connection once its last reader let go.
  void close();

 private:
  [[nodiscard]] result<std::shared_ptr<wire>> current_wire();

  const endpoint ep_;
  const std::chrono::milliseconds timeout_;
  const std::shared_ptr<link_monitor> monitor_;

  /// Guards `wire_` (replaced after a loss) and `closed_`.
  std::mutex mu_;
  std::shared_ptr<wire> wire_;
  bool closed_ = false;
};

}  // namespace parley::redis
