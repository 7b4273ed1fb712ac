#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "src/config/value.hpp"
#include "src/error/result.hpp"
#include "src/model/mentions.hpp"
#include "src/model/message.hpp"
#include "src/seam/capabilities.hpp"

namespace parley {

/// What `post` writes.
struct post_request {
  std::string topic;
  /// The poster's handle, stored as the sender where the backend can carry it.
  std::string identity;
  std::string content;
  /// backend_msg_id of the message this one threads under.
  std::optional<std::string> in_reply_to;
};

/// What `post` stored: the message exactly as `fetch_recent` and `subscribe`
/// report it (id, cursor, timestamp, mentions), known at write time.
struct stored_post {
  message msg;
  /// The cursor of the topic's message just before `msg` (the backend's zero
  /// cursor when `msg` is the topic's first), when the backend learns it
  /// while writing; empty otherwise. Passed as `since`, it yields `msg` first
  /// unless another writer slipped a message in between. It lets core deliver
  /// a local post at once when it directly follows the last one delivered.
  std::optional<parley::cursor> previous;

  [[nodiscard]] friend bool operator==(const stored_post&, const stored_post&) = default;
};

/// The message a backend that stores `req`'s fields unchanged will report
/// for it: sender, content and in_reply_to from the request, mentions parsed
/// from the content.
[[nodiscard]] inline message stored_message(const post_request& req, std::string backend_msg_id,
                                            parley::cursor cursor, std::string timestamp) {
  message m;
  m.topic = req.topic;
  m.sender_handle = req.identity;
  m.content = req.content;
  m.timestamp = std::move(timestamp);
  m.backend_msg_id = std::move(backend_msg_id);
  m.cursor = std::move(cursor);
  m.mentions = parse_mentions(m.content);
  m.in_reply_to = req.in_reply_to;
  return m;
}

/// What `fetch_recent` reads.
struct fetch_request {
  std::string topic;
  /// Exclusive: only messages strictly after this cursor. Absent: the most
  /// recent `limit` messages.
  std::optional<parley::cursor> since;
  /// At most this many messages. 0 returns an empty page at the unchanged
  /// position. Backends clamp to `capabilities::max_page`.
  std::size_t limit = 100;
  /// A hint: with a `since` at the tail, a backend that has
  /// `capabilities::native_long_poll` may wait this long for a newer message.
  /// Never longer. Ignoring it is legal; core implements long-polls itself.
  std::chrono::milliseconds block{0};
};

/// Who a handle is on the backend.
struct identity_ref {
  std::string handle;
  /// The backend's own name for it (an account id, a user id), or the handle.
  std::string backend_ref;
};

/// Receives live messages of one subscription. Called from a thread the
/// backend owns, one call at a time per subscription, in ascending cursor
/// order. Must not block for long: hand the message to an actor and return.
struct subscription_sink {
  virtual ~subscription_sink() = default;
  /// A message posted after the subscription was established.
  virtual void on_message(message msg) = 0;
  /// Live delivery was interrupted (a reconnect, a consumer reset) and may
  /// have missed messages. The owner fills the gap with fetch_recent from the
  /// last cursor it delivered. Messages delivered afterwards are new again.
  virtual void on_gap() {}
};

/// A live subscription. Destroying it (or calling cancel) stops delivery; once
/// cancel() returns, the sink is not called again.
class subscription {
 public:
  virtual ~subscription() = default;
  virtual void cancel() = 0;
};

/// A backend connection's state, reported as it changes.
enum class health {
  /// Connected and delivering.
  connected,
  /// Lost the server; retrying with backoff. Posts fail fast meanwhile.
  retrying,
  /// Gave up, or a failure retrying cannot fix (bad credentials).
  failed,
};

/// Receives health changes: the new state and a reason a user can act on.
/// Called from a backend thread.
using health_listener = std::function<void(health state, const std::string& reason)>;

/// The seam: the six operations every backend implements, and nothing else.
///
/// Contract (the conformance suite in conformance/ checks each clause):
/// 1. `backend_msg_id` is stable and unique; the message returned by `post`
///    is the message seen through `fetch_recent` and through `subscribe`
///    (same id, cursor, timestamp and fields).
/// 2. Cursors are monotonic per topic: a later message has a later cursor.
///    `fetch_recent` returns messages ascending by cursor, strictly after
///    `since`. Without `since` it returns the newest `limit`, ascending.
/// 3. An empty page's `next_cursor` is `since`, or without `since` the
///    backend's zero cursor; passed back, it yields the same empty page. A
///    topic never posted to is such an empty page, not an error.
/// 4. A `since` this backend could not have minted is `errc::malformed_cursor`
///    with a message naming the cursor and topic. Only `errc::no_such_topic`
///    means "absent"; every other error is a failure.
/// 5. `subscribe` delivers only messages posted after it returned, and is
///    ready when it returns: a post made right after is delivered.
/// 6. `post` returns only once the message is durable on the backend.
/// 7. Several writers (threads, connections, processes) may post at once
///    without corrupting data or breaking cursor order.
///
/// Threading: connect and disconnect are called once each, by the owner.
/// post, fetch_recent, subscribe and resolve_identity may be called from
/// several threads at once and may block (they run on threads of the
/// backend_connection, never on an actor scheduler thread).
class backend {
 public:
  virtual ~backend() = default;

  /// What this backend can do beyond the six operations.
  [[nodiscard]] virtual const parley::capabilities& capabilities() const noexcept = 0;

  /// Validates `backend_config` and connects. Unknown keys are errors
  /// (errc::invalid_config, naming each key path).
  [[nodiscard]] virtual result<void> connect(const config::value& backend_config) = 0;

  /// Stops every subscription (their sinks are not called afterwards) and
  /// releases connections. Idempotent.
  virtual void disconnect() = 0;

  /// Starts live delivery of `topic` to `sink`. The sink must outlive the
  /// returned subscription.
  [[nodiscard]] virtual result<std::unique_ptr<subscription>> subscribe(
      const std::string& topic, subscription_sink& sink) = 0;

  /// Durably writes one message; returns it as stored (no read-back needed).
  [[nodiscard]] virtual result<stored_post> post(const post_request& req) = 0;

  /// Reads history; see the contract above.
  [[nodiscard]] virtual result<page> fetch_recent(const fetch_request& req) = 0;

  /// Maps a handle to the backend's own reference for it.
  [[nodiscard]] virtual result<identity_ref> resolve_identity(const std::string& handle) = 0;

  /// Installs the observer of health changes. Call before connect().
  virtual void set_health_listener(health_listener listener) { (void)listener; }

  /// Optional fast paths, called on an actor's scheduler thread. Each does
  /// what `post` / `fetch_recent` do, but only when it can finish without
  /// waiting: no lock held by another thread or process, no network round
  /// trip, no flush to disk. When it would have to wait it does nothing and
  /// returns nullopt, and the caller hands the request to a backend thread
  /// as usual. An embedded database answers most calls this way, which saves
  /// two thread hand-offs per call. The defaults never take the fast path.
  [[nodiscard]] virtual std::optional<result<stored_post>> try_post(const post_request& req) {
    (void)req;
    return std::nullopt;
  }
  [[nodiscard]] virtual std::optional<result<page>> try_fetch_recent(const fetch_request& req) {
    (void)req;
    return std::nullopt;
  }
};

}  // namespace parley
