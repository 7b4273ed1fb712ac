#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

namespace parley::sqlite {

/// Wakes a callback, on its own thread, whenever the database file may have
/// changed: at once when this process commits (notify()), within microseconds
/// when another process writes the file or its WAL (inotify on the
/// directory), and at the latest every `fallback` (for filesystems where
/// inotify sees nothing, such as NFS). Idle, it sleeps in poll(2): no CPU.
/// `on_wake` returns whether it found anything new; after a file event it
/// did not, the watcher looks again within milliseconds (see run()).
class change_watcher {
 public:
  change_watcher(std::string db_path, std::chrono::milliseconds fallback,
                 std::function<bool()> on_wake);
  ~change_watcher();
  change_watcher(const change_watcher&) = delete;
  change_watcher& operator=(const change_watcher&) = delete;

  void start();
  /// Stops the thread; once it returns, on_wake is not called again.
  void stop();
  /// Requests a wake from any thread (cheap: one eventfd write).
  void notify() noexcept;
  /// File events are only worth a wake-up while `wanted()` is true (someone
  /// subscribes); otherwise every commit, this process's own included, would
  /// wake the thread for nothing. Call before start(); call notify() when
  /// the answer turns true.
  void watch_files_while(std::function<bool()> wanted) { files_wanted_ = std::move(wanted); }
  /// Whether file events are watched (false: only the fallback timer).
  [[nodiscard]] bool watching_files() const noexcept { return inotify_fd_ >= 0; }

 private:
  void run();
  [[nodiscard]] bool drain_inotify();

  std::string db_path_;
  std::string dir_;
  std::string base_;
  std::chrono::milliseconds fallback_;
  std::function<bool()> on_wake_;
  std::function<bool()> files_wanted_;
  int inotify_fd_ = -1;
  int event_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace parley::sqlite
