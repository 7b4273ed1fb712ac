#pragma once

#include <atomic>
#include <cstdint>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "backends/nats/nats_config.hpp"
#include "src/seam/backend_operations.hpp"

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

  PARLEY_BACKEND_OPERATIONS(nats_config);

  /// The stream and subject a topic maps to under this configuration.
  [[nodiscard]] std::string stream_of(const std::string& topic) const;
  [[nodiscard]] std::string subject_of(const std::string& topic) const;

  // Called from cnats' threads; public only for the C callbacks.
  void on_disconnected();
  void on_reconnected();
  void on_closed();

 private:
  /// A stream's first and last sequence and how many messages it holds.
  struct stream_bounds {
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    std::uint64_t messages = 0;
  };

  /// Detaches the connection's callbacks from this object and frees the
  /// connection and its options (the callbacks' state is freed by the
  /// closed callback).
  void release_connection();
  [[nodiscard]] result<void> ensure_stream(const std::string& topic);
  [[nodiscard]] result<stream_bounds> stream_bounds_of(const std::string& stream);
  /// The topic's pull consumer, kept between reads of the next page.
  [[nodiscard]] std::shared_ptr<stream_reader> reader_of(const std::string& topic);
  /// Reads `wanted` messages from `start` into `out`, on the reader's
  /// consumer if it is positioned there, else a new one (and one retry).
  [[nodiscard]] result<void> read_stream(stream_reader& reader, const std::string& topic, std::uint64_t start,
                                         std::size_t wanted, page& out);

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
