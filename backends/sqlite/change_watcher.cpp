#include "backends/sqlite/change_watcher.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>

#include "src/util/log.hpp"

namespace parley::sqlite {

change_watcher::change_watcher(std::string db_path, std::chrono::milliseconds fallback,
                               std::function<bool()> on_wake)
    : db_path_(std::move(db_path)), fallback_(fallback), on_wake_(std::move(on_wake)) {
  namespace fs = std::filesystem;
  fs::path p = fs::absolute(db_path_);
  dir_ = p.parent_path().string();
  base_ = p.filename().string();
}

change_watcher::~change_watcher() { stop(); }

void change_watcher::start() {
  event_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  inotify_fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd_ >= 0) {
    // Watch the directory, not the files: the -wal file comes and goes with
    // checkpoints, and a directory watch also sees it being created.
    const uint32_t mask = IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO;
    if (::inotify_add_watch(inotify_fd_, dir_.c_str(), mask) < 0) {
      log::warn("sqlite", "cannot watch '" + dir_ + "' for changes; falling back to polling every " +
                              std::to_string(fallback_.count()) + " ms");
      ::close(inotify_fd_);
      inotify_fd_ = -1;
    }
  }
  thread_ = std::thread([this] { run(); });
}

void change_watcher::stop() {
  if (!thread_.joinable()) return;
  stopping_.store(true);
  notify();
  thread_.join();
  if (inotify_fd_ >= 0) ::close(inotify_fd_);
  if (event_fd_ >= 0) ::close(event_fd_);
  inotify_fd_ = event_fd_ = -1;
}

void change_watcher::notify() noexcept {
  if (event_fd_ < 0) return;
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(event_fd_, &one, sizeof one);
}

bool change_watcher::drain_inotify() {
  // Only events on our database, its WAL or its rollback journal matter; the
  // -shm file changes on every read transaction of every process.
  alignas(inotify_event) char buf[4096];
  bool relevant = false;
  for (;;) {
    const ssize_t n = ::read(inotify_fd_, buf, sizeof buf);
    if (n <= 0) break;
    for (ssize_t off = 0; off < n;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
      if (ev->len > 0) {
        std::string_view name(ev->name);
        if (name.size() >= base_.size() && name.substr(0, base_.size()) == base_) {
          std::string_view suffix = name.substr(base_.size());
          if (suffix.empty() || suffix == "-wal" || suffix == "-journal") relevant = true;
        }
      }
      if (ev->mask & IN_Q_OVERFLOW) relevant = true;
      off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
    }
  }
  return relevant;
}

void change_watcher::run() {
  bool was_watching = true;
  // A writer's file events arrive while it writes its WAL frames; the commit
  // becomes visible a moment later, when it updates the WAL index (shared
  // memory, which inotify does not see). A wake that found nothing new after
  // a file event therefore looks again shortly: after 0.25 ms, then twice as
  // long each time up to 32 ms. Without this, such a message waited for the
  // next write or the fallback timer.
  int rechecks = 0;
  constexpr int max_rechecks = 8;
  while (!stopping_.load()) {
    pollfd fds[2] = {{event_fd_, POLLIN, 0}, {inotify_fd_, POLLIN, 0}};
    const bool wanted = !files_wanted_ || files_wanted_();
    const int nfds = inotify_fd_ >= 0 && wanted ? 2 : 1;
    const auto wait = rechecks > 0 ? std::chrono::microseconds(250) * (1 << (rechecks - 1))
                                   : std::chrono::duration_cast<std::chrono::microseconds>(fallback_);
    const timespec timeout{static_cast<time_t>(wait.count() / 1'000'000),
                           static_cast<long>(wait.count() % 1'000'000 * 1000)};
    const int rc = ::ppoll(fds, static_cast<nfds_t>(nfds), &timeout, nullptr);
    if (stopping_.load()) break;
    bool wake = rc == 0;  // the fallback timer, or a recheck
    bool file_event = rc == 0 && rechecks > 0;
    if (nfds == 2 && !was_watching) {
      // Events queued while nobody listened say nothing now: the wake-up
      // below rescans from the last position anyway.
      (void)drain_inotify();
      wake = true;
    }
    was_watching = nfds == 2;
    if (rc > 0 && (fds[0].revents & POLLIN)) {
      std::uint64_t count = 0;
      [[maybe_unused]] auto n = ::read(event_fd_, &count, sizeof count);
      wake = true;
    }
    if (rc > 0 && nfds == 2 && (fds[1].revents & POLLIN) && drain_inotify()) {
      wake = true;
      file_event = true;
    }
    if (!wake) continue;
    const bool found = on_wake_();
    if (found || !file_event)
      rechecks = 0;
    else
      rechecks = rechecks < max_rechecks ? rechecks + 1 : 0;
  }
}

}  // namespace parley::sqlite
