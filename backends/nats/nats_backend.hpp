#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "backends/nats/nats_config.hpp"
#include "src/seam/backend.hpp"

struct __natsConnection;
struct __jsCtx;
struct __natsOptions;

namespace parley::nats {

struct live_sub;
struct stream_reader;
struct connection_events;

/// The NATS JetStream backend, in the original parley-nats mapping: one
/// stream `<stream_prefix><topic>` per topic capturing the single subject
/// `<subject_prefix><topic>`, the stream sequence as cursor and id, the
/// original's JSON payload. See README.md beside this file.
class nats_backend final : public backend {
 public:
  nats_backend();
  ~nats_backend() override;

  [[nodiscard]] const parley::capabilities& capabilities() const noexcept override { return caps_; }
  [[nodiscard]] result<void> connect(const config::value& backend_config) override;
  void disconnect() override;
  [[nodiscard]] result<std::unique_ptr<subscription>> subscribe(const std::string& topic,
                                                                subscription_sink& sink) override;
  [[nodiscard]] result<stored_post> post(const post_request& req) override;
  [[nodiscard]] result<page> fetch_recent(const fetch_request& req) override;
  [[nodiscard]] result<identity_ref> resolve_identity(const std::string& handle) override;
  void set_health_listener(health_listener listener) override;

  /// Connects with an already-typed configuration (tests, tools).
  [[nodiscard]] result<void> connect(const nats_config& cfg);

  /// The stream and subject a topic maps to under this configuration.
  [[nodiscard]] std::string stream_of(const std::string& topic) const;
  [[nodiscard]] std::string subject_of(const std::string& topic) const;

  // Called from cnats' threads; public only for the C callbacks.
  void on_disconnected();
  void on_reconnected();
  void on_closed();

 private:
  [[nodiscard]] result<void> ensure_stream(const std::string& topic);
  [[nodiscard]] result<void> start_delivery(const std::shared_ptr<live_sub>& live);
  [[nodiscard]] bool connected() const;
  void control_loop();
  void report(health state, const std::string& reason);

  nats_config cfg_;
  parley::capabilities caps_;
  health_listener health_listener_;
  std::mutex health_mu_;
  health last_health_ = health::connected;

  __natsOptions* opts_ = nullptr;
  __natsConnection* nc_ = nullptr;
  __jsCtx* js_ = nullptr;
  connection_events* events_ = nullptr;
  std::atomic<bool> open_{false};

  std::mutex streams_mu_;
  std::set<std::string> known_streams_;

  std::mutex readers_mu_;
  std::map<std::string, std::shared_ptr<stream_reader>> readers_;

  std::mutex subs_mu_;
  std::vector<std::shared_ptr<live_sub>> subs_;

  // Re-subscribing after a reconnect happens here, never on cnats' threads.
  std::thread control_;
  std::mutex control_mu_;
  std::condition_variable control_cv_;
  bool resubscribe_pending_ = false;
  bool stopping_ = false;
};

}  // namespace parley::nats
