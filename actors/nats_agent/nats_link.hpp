#pragma once

// The NATS connection the agent endpoints share: one per process (stdio) or
// per gateway. It is not an actor: cnats owns its threads, and this wrapper
// turns its callbacks into actor messages and lets actors publish (a publish
// only copies into cnats' buffer, so it never blocks an actor on the network).

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/nats_agent/response_stream.hpp"
#include "src/nats_client/connection_settings.hpp"
#include "src/error/result.hpp"

typedef struct __natsConnection natsConnection;
typedef struct __natsSubscription natsSubscription;

namespace parley {

/// One message received on a subscription, as the subscriber actor gets it.
struct nats_inbound {
  /// Which of the actor's subscriptions it came from.
  int tag = 0;
  std::string subject;
  std::string reply;
  std::string data;
  /// True for a server status message (503 no responders, etc.), not data.
  bool status_only = false;
};

/// Where to connect and how to authenticate.
struct nats_link_settings {
  nats::connection_settings connection;
  /// Shown in the server's connection list (`nats server report connections`).
  std::string client_name = "parley-agent";
};

/// A live subscription; unsubscribes when destroyed. Messages already being
/// delivered may still arrive afterwards (actors ignore stale tags).
class nats_subscription {
 public:
  explicit nats_subscription(natsSubscription* sub) : sub_(sub) {}
  ~nats_subscription();
  nats_subscription(const nats_subscription&) = delete;
  nats_subscription& operator=(const nats_subscription&) = delete;

 private:
  natsSubscription* sub_;
};

class nats_link {
 public:
  /// Connects (blocking: call before spawning actors, or off the scheduler).
  /// errc::backend_unavailable names the server on failure.
  [[nodiscard]] static result<std::shared_ptr<nats_link>> connect(const nats_link_settings& settings);
  ~nats_link();
  nats_link(const nats_link&) = delete;
  nats_link& operator=(const nats_link&) = delete;

  /// Delivers every message on `subject` to `target` as nats_inbound{tag}.
  /// `queue` empty: a plain subscription; else a queue subscription.
  [[nodiscard]] result<std::unique_ptr<nats_subscription>> subscribe(const std::string& subject,
                                                                     const std::string& queue,
                                                                     caf::actor target, int tag);
  /// A plain publish: no header block at all (chunks, the terminator).
  void publish(const std::string& subject, std::string_view body);
  /// Publishes with `reply` as the reply subject (requests we make).
  void publish_request(const std::string& subject, const std::string& reply, std::string_view body);
  /// A frame of a response stream: headers only on error frames
  /// (response_stream.hpp explains why the terminator must have none).
  void publish(const std::string& subject, const nats_agent::frame& f);
  /// Waits until the server has processed everything published so far.
  void flush(std::int64_t timeout_ms = 2000);
  /// A fresh unique inbox subject.
  [[nodiscard]] std::string new_inbox();
  /// The server's max_payload (bytes).
  [[nodiscard]] std::uint64_t max_payload() const;
  /// Publishes and subscriptions fail quietly once closed.
  void close();

 private:
  explicit nats_link(natsConnection* nc) : nc_(nc) {}
  natsConnection* nc_;
};

}  // namespace parley

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::nats_inbound)
