#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "actors/transport/http/http_server.hpp"
#include "actors/session_output.hpp"

namespace parley {

/// An MCP session's output over Streamable HTTP: answers go to the POST that
/// asked (matched by JSON-RPC id), notifications to the session's GET event
/// stream. Events get increasing ids and the last `replay_events` are kept,
/// so a client that reconnects with Last-Event-ID misses nothing. A client
/// whose stream falls `max_backlog_bytes` behind has channel events dropped
/// (the backend keeps them); once it catches up it is told, per topic, how
/// many it missed and from which cursor parley_fetch_recent reads them.
class http_session_output final : public session_output {
 public:
  using answer_fn = std::function<void(std::vector<std::shared_ptr<const std::string>>)>;

  http_session_output(std::size_t replay_events, std::size_t max_backlog_bytes);

  /// Call before handing a POST's requests to the session: `done` gets
  /// their answers, in this order, once all arrived.
  void expect(const std::vector<std::string>& ids, answer_fn done);

  /// Attaches the GET stream, replaying events after `last_event_id`, or
  /// without one, those no stream has carried yet.
  /// False if one is already attached (the caller answers 409).
  bool attach(std::shared_ptr<http::event_stream> stream, std::optional<std::uint64_t> last_event_id);
  [[nodiscard]] bool busy() const;
  /// Whether a GET stream is open now.
  [[nodiscard]] bool streaming() const;
  /// The session ended: close the stream and fail what still waits.
  void close();

  [[nodiscard]] std::uint64_t dropped() const;

  void response(const std::string& id_json, std::shared_ptr<const std::string> json) override;
  void notification(std::shared_ptr<const std::string> json, const droppable_event* event) override;

 private:
  struct waiting_post {
    std::vector<std::string> ids;
    std::map<std::string, std::shared_ptr<const std::string>> answers;
    answer_fn done;
  };
  struct missed_topic {
    std::uint64_t count = 0;
    std::string since;
  };

  void emit_locked(std::shared_ptr<const std::string> json);
  void announce_missed_locked();

  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<waiting_post>> waiting_;
  std::deque<std::pair<std::uint64_t, std::shared_ptr<const std::string>>> replay_;
  std::size_t replay_events_;
  std::size_t max_backlog_;
  std::uint64_t next_event_id_ = 1;
  /// Highest event id written to a stream: a stream opened without
  /// Last-Event-ID still gets what was emitted while none was open.
  std::uint64_t last_sent_id_ = 0;
  std::shared_ptr<http::event_stream> stream_;
  std::map<std::string, missed_topic> missed_;
  /// Cursor of the last channel event emitted per topic.
  std::map<std::string, std::string> last_cursor_;
  std::uint64_t dropped_ = 0;
  bool closed_ = false;
};

}  // namespace parley
