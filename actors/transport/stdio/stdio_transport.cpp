#include "actors/transport/stdio/stdio_transport.hpp"

#include <caf/all.hpp>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "actors/messages.hpp"
#include "actors/transport/stdio/stdio_loop.hpp"
#include "actors/transport/stdio/stdin_lines.hpp"
#include "src/util/log.hpp"

namespace parley {

struct stdout_writer::impl {
  std::mutex mu;
  std::condition_variable cv;
  std::condition_variable drained;
  std::deque<std::shared_ptr<const std::string>> queue;
  std::size_t queued_bytes = 0;
  std::size_t max_queued_bytes;
  std::size_t dropped = 0;
  bool stopping = false;
  bool broken = false;
  bool writing = false;
  std::thread thread;

  explicit impl(std::size_t max) : max_queued_bytes(max) {}

  // stdout is non-blocking (see the constructor): wait for room when full.
  static bool write_all(const char* p, std::size_t n) {
    while (n > 0) {
      const ssize_t w = ::write(STDOUT_FILENO, p, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
          pollfd pfd{STDOUT_FILENO, POLLOUT, 0};
          ::poll(&pfd, 1, 1000);
          continue;
        }
        return false;
      }
      p += w;
      n -= static_cast<std::size_t>(w);
    }
    return true;
  }

  /// Writes what it can right now without blocking; returns the bytes
  /// written, or -1 when the pipe is broken.
  static ssize_t write_now(const char* p, std::size_t n) {
    std::size_t done = 0;
    while (done < n) {
      const ssize_t w = ::write(STDOUT_FILENO, p + done, n - done);
      if (w < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        return -1;
      }
      done += static_cast<std::size_t>(w);
    }
    return static_cast<ssize_t>(done);
  }

  void run() {
    std::string batch;
    for (;;) {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return stopping || !queue.empty(); });
      if (queue.empty()) break;
      // Coalesce what is queued into one write(2).
      batch.clear();
      while (!queue.empty() && batch.size() < (1u << 20)) {
        batch.append(*queue.front()).push_back('\n');
        queued_bytes -= queue.front()->size();
        queue.pop_front();
      }
      writing = true;
      lock.unlock();
      const bool ok = write_all(batch.data(), batch.size());
      lock.lock();
      writing = false;
      if (!ok) {
        broken = true;
        queue.clear();
        queued_bytes = 0;
        drained.notify_all();
        break;
      }
      if (queue.empty()) drained.notify_all();
    }
  }
};

stdout_writer::stdout_writer(std::size_t max_queued_bytes)
    : impl_(std::make_unique<impl>(max_queued_bytes)) {
  // Non-blocking, so the common case (the client is reading) is one write(2)
  // from the caller with no thread hand-off; a full pipe falls back to the
  // writer thread and never blocks an actor.
  const int flags = ::fcntl(STDOUT_FILENO, F_GETFL);
  if (flags >= 0) ::fcntl(STDOUT_FILENO, F_SETFL, flags | O_NONBLOCK);
}

stdout_writer::~stdout_writer() { close(0); }

void stdout_writer::response(const std::string&, std::shared_ptr<const std::string> json) {
  send(std::move(json), false);
}

void stdout_writer::notification(std::shared_ptr<const std::string> json, const droppable_event* event) {
  send(std::move(json), event != nullptr);
}

void stdout_writer::send(std::shared_ptr<const std::string> json, bool droppable) {
  std::lock_guard lock(impl_->mu);
  if (impl_->broken || impl_->stopping) return;
  if (droppable && impl_->queued_bytes + json->size() > impl_->max_queued_bytes) {
    if (impl_->dropped++ == 0)
      log::warn("stdio", "the client is not reading; dropping channel notifications (the backend keeps them)");
    return;
  }
  if (impl_->queue.empty() && !impl_->writing) {
    // The fast path: nothing ahead of us, write it out now.
    std::string line;
    line.reserve(json->size() + 1);
    line.append(*json).push_back('\n');
    const ssize_t done = impl::write_now(line.data(), line.size());
    if (done < 0) {
      impl_->broken = true;
      return;
    }
    if (static_cast<std::size_t>(done) == line.size()) return;
    // The rest goes through the thread, ahead of anything queued later.
    auto rest = std::make_shared<const std::string>(line.substr(static_cast<std::size_t>(done), line.size() - static_cast<std::size_t>(done) - 1));
    impl_->queued_bytes += rest->size();
    impl_->queue.push_back(std::move(rest));
  } else {
    impl_->queued_bytes += json->size();
    impl_->queue.push_back(std::move(json));
  }
  // The thread starts the first time the pipe is full: most sessions never
  // need it, and an idle thread still costs its stack.
  if (!impl_->thread.joinable()) impl_->thread = std::thread([this] { impl_->run(); });
  impl_->cv.notify_one();
}

void stdout_writer::close(int timeout_ms) {
  {
    std::unique_lock lock(impl_->mu);
    if (timeout_ms > 0)
      impl_->drained.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                              [&] { return impl_->broken || (impl_->queue.empty() && !impl_->writing); });
    impl_->stopping = true;
    if (timeout_ms <= 0) impl_->queue.clear();
    impl_->cv.notify_one();
  }
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::size_t stdout_writer::dropped() const {
  std::lock_guard lock(impl_->mu);
  return impl_->dropped;
}

void start_stdin_reader(caf::actor session, caf::actor on_eof, std::size_t max_line_bytes) {
  auto lines = std::make_shared<stdin_lines>(session, max_line_bytes);
  // Reads what one read(2) returns; false at end of input, when the
  // shutdown request has gone out.
  auto read_some = [lines, on_eof]() -> bool {
    char buf[65536];
    for (;;) {
      const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        lines->finish();
        caf::anon_send(on_eof, shutdown_request{"stdin closed"});
        return false;
      }
      lines->feed(buf, static_cast<std::size_t>(n));
      return true;
    }
  };
  // In `parley stdio` the scheduler thread itself waits on stdin when idle
  // (scheduler/stdio_loop.hpp); elsewhere a thread of its own reads.
  if (offer_idle_input(idle_input{STDIN_FILENO, read_some})) return;
  std::thread([read_some] {
    while (read_some()) {
    }
  }).detach();
}

}  // namespace parley
