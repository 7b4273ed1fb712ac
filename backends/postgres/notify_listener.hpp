#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "backends/postgres/connection_pool.hpp"
#include "backends/postgres/health_board.hpp"
#include "backends/postgres/pg_connection.hpp"
#include "backends/postgres/pg_schema.hpp"
#include "src/seam/backend.hpp"
#include "src/util/backoff.hpp"

namespace parley::postgres {

/// The live path of one backend instance: ONE dedicated connection that
/// LISTENs on the channel of every subscribed topic, served by its own thread
/// (PQsocket + poll, with an eventfd so subscribe, cancel and stop are
/// prompt).
///
/// A NOTIFY is a doorbell only. Per topic the listener keeps the highest seq
/// it delivered; a notification (or several) for a topic triggers one
/// catch-up query `seq > last ORDER BY seq LIMIT 512`, re-run while full, and
/// each row goes to every subscription of the topic, in seq order. The
/// per-topic advisory lock every writer takes makes seq order commit order,
/// so nothing can become visible behind `last`.
///
/// When the connection drops, the thread reconnects with jittered backoff,
/// re-LISTENs every channel, then queries each topic from its last delivered
/// seq: nothing is lost and nothing repeats, so subscribers never see a gap.
class notify_listener : public std::enable_shared_from_this<notify_listener> {
 public:
  notify_listener(std::string url, const pg_schema& schema, std::shared_ptr<health_board> health,
                  std::weak_ptr<connection_pool> pool);
  ~notify_listener();
  notify_listener(const notify_listener&) = delete;
  notify_listener& operator=(const notify_listener&) = delete;

  /// Takes an open connection and starts the thread.
  [[nodiscard]] result<void> start(connection conn);
  /// Stops and joins the thread. Afterwards no sink is called. Idempotent.
  void stop();

  /// LISTEN (if this topic has no LISTEN yet), then read the topic's tail,
  /// then register: a message committed after this returns is delivered.
  [[nodiscard]] result<std::unique_ptr<subscription>> subscribe(const std::string& topic,
                                                                subscription_sink& sink);

  /// Blocking fetches wait on the same doorbell. watch() LISTENs (waiting at
  /// most until `deadline`) and returns the topic's ring count; on failure it
  /// has undone itself. wait_ring() waits until the count moves past `seen`
  /// and updates it; false at the deadline or on stop. A successful watch()
  /// needs one unwatch().
  [[nodiscard]] result<std::uint64_t> watch(const std::string& topic,
                                            std::chrono::steady_clock::time_point deadline);
  [[nodiscard]] bool wait_ring(const std::string& topic, std::uint64_t& seen,
                               std::chrono::steady_clock::time_point deadline);
  void unwatch(const std::string& topic);

  /// One live subscription (shared with its handle).
  struct live_sub {
    std::string topic;
    subscription_sink* sink = nullptr;
    /// Deliver only seqs above this: the topic's tail when it subscribed.
    std::int64_t after = 0;
    std::atomic<bool> active{true};
  };

  /// Called by a subscription handle: no sink call for `sub` once it returns.
  void cancel(const std::shared_ptr<live_sub>& sub);

 private:
  struct topic_state {
    std::string topic;
    std::string channel;
    std::int64_t last = 0;  // highest seq delivered to this topic's subscriptions
    std::vector<std::shared_ptr<live_sub>> subs;
    int watchers = 0;
    bool listening = false;
    bool dirty = false;
  };
  struct command {
    enum class kind { subscribe, cancel, watch, unwatch } what;
    std::string topic;
    std::shared_ptr<live_sub> sub;
    std::promise<result<void>> done;
  };
  struct doorbell {
    int watchers = 0;
    std::uint64_t rings = 0;
  };

  void run();
  void wake() noexcept;
  void drain_wake_fd() noexcept;
  [[nodiscard]] bool stopping() const;
  void enqueue(std::unique_ptr<command> cmd);

  // Listener thread only.
  void process_commands();
  [[nodiscard]] result<void> handle_subscribe(const std::shared_ptr<live_sub>& sub);
  void handle_cancel(const std::shared_ptr<live_sub>& sub);
  [[nodiscard]] result<void> handle_watch(const std::string& topic);
  void handle_unwatch(const std::string& topic);
  topic_state& topic_for(const std::string& topic);
  [[nodiscard]] result<void> ensure_listening(topic_state& t);
  void forget_if_unused(topic_state& t);
  /// Marks topics with new notifications dirty; true if any topic is.
  [[nodiscard]] bool take_notifications();
  void catch_up_dirty();
  void catch_up(topic_state& t);
  void deliver(topic_state& t, std::vector<message>& msgs);
  void lost(const std::string& reason);
  void reconnect();
  [[nodiscard]] connection connect_async();
  [[nodiscard]] result<void> prepare(const connection& c) const;
  void wait_input(int timeout_ms);
  void ring(const std::string& topic);
  void ring_all();

  const std::string url_;
  const pg_schema schema_;
  const std::shared_ptr<health_board> health_;
  const std::weak_ptr<connection_pool> pool_;
  int wake_fd_ = -1;
  std::thread thread_;
  std::thread::id thread_id_;

  // Shared between threads, under mu_.
  mutable std::mutex mu_;
  std::condition_variable ring_cv_;
  std::deque<std::unique_ptr<command>> commands_;
  std::unordered_map<std::string, doorbell> doorbells_;
  bool stopping_ = false;

  // Held by the listener thread while it calls sinks, so that cancel() from
  // another thread can wait for a call in flight.
  std::mutex delivery_mu_;
  // Set by stop(): no sink is called afterwards, even by a thread that
  // stop() could not join.
  std::atomic<bool> halted_{false};

  // Listener thread only.
  connection conn_;
  std::map<std::string, topic_state> topics_;
  std::unordered_map<std::string, std::string> channel_to_topic_;
  backoff backoff_;
  bool retry_catch_up_ = false;
  std::int64_t failed_catch_ups_ = 0;
};

}  // namespace parley::postgres
