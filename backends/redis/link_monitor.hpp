#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "src/seam/backend.hpp"
#include "src/util/backoff.hpp"

namespace parley::redis {

/// The backend's health as state: connected, retrying or failed, and the
/// thread that brings a lost server back.
///
/// Whoever sees an I/O failure (a post, a fetch, the live reader) calls
/// `report_lost`. The monitor then probes with jittered exponential backoff
/// until a probe connects; meanwhile `state()` is not `connected`, so posts
/// fail fast instead of queueing. Every return to `connected` starts a new
/// epoch: connections opened in an older epoch are dropped by their users
/// and reopened, never reused.
///
/// The health listener and the change callback are always called from the
/// monitor's own thread (except the first `connected`, which the owner
/// reports from connect()), so a listener sees retrying before connected.
class link_monitor {
 public:
  /// Opens, checks and closes one connection.
  using probe_fn = std::function<result<void>()>;

  link_monitor(probe_fn probe, health_listener listener, std::chrono::milliseconds min_delay,
               std::chrono::milliseconds max_delay);
  ~link_monitor();
  link_monitor(const link_monitor&) = delete;
  link_monitor& operator=(const link_monitor&) = delete;

  /// Called on every state change, after the health listener, from the
  /// monitor thread. Set before start().
  void set_on_change(std::function<void(health)> on_change);

  /// Starts the thread. The monitor begins in `connected`, epoch 1: the
  /// owner's first connection worked.
  void start();
  /// Stops probing; waiters of wait_connected return false. Idempotent.
  void stop();

  [[nodiscard]] health state() const;
  [[nodiscard]] std::uint64_t epoch() const;
  /// Why the server is not connected, for error messages.
  [[nodiscard]] std::string reason() const;

  /// A connection opened in `seen_epoch` failed. Ignored if that epoch is
  /// already over (the loss was noticed and repaired) or while stopping.
  void report_lost(std::uint64_t seen_epoch, const std::string& why);

 private:
  void run();
  void notify(health state, const std::string& reason);

  probe_fn probe_;
  health_listener listener_;
  std::function<void(health)> on_change_;
  backoff backoff_;  // drawn only by the monitor thread, under mu_

  mutable std::mutex mu_;
  std::condition_variable cv_;
  health state_ = health::connected;
  std::uint64_t epoch_ = 1;
  std::string reason_;
  bool lost_pending_ = false;  // a loss the thread has not announced yet
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace parley::redis
