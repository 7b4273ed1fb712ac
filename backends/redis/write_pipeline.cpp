#include "backends/redis/write_pipeline.hpp"

#include <hiredis/hiredis.h>
#include <sys/socket.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <optional>
#include <vector>

namespace parley::redis {

namespace {

/// One post between its send and its reply. Shared, so that a reader may
/// signal it after letting go of the lock, when its caller may already have
/// returned.
struct pending {
  explicit pending(const std::string& w) : what(w) {}
  /// Names the post in errors; read only while the post is in flight.
  const std::string& what;
  std::optional<result<std::string>> outcome;
  /// Signalled when `outcome` is set, or when this post's caller should take
  /// the reading turn.
  std::condition_variable cv;
};
using pending_ptr = std::shared_ptr<pending>;

/// RESP encoding of a command: `*<n>\r\n` then `$<len>\r\n<bytes>\r\n` per
/// argument, binary-safe.
std::string encode(const command_args& args) {
  std::size_t size = 16;
  for (const auto& a : args) size += a.size() + 16;
  std::string out;
  out.reserve(size);
  out += '*';
  out += std::to_string(args.size());
  out += "\r\n";
  for (const auto& a : args) {
    out += '$';
    out += std::to_string(a.size());
    out += "\r\n";
    out += a;
    out += "\r\n";
  }
  return out;
}

/// Writes everything or fails (MSG_NOSIGNAL: a dead server is an error, not
/// a SIGPIPE). Returns the errno of a failure, 0 on success.
int send_all(int fd, const std::string& bytes) {
  const char* p = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::send(fd, p, left, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0 ? errno : EPIPE;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return 0;
}

std::string describe_errno(int err) {
  if (err == EAGAIN || err == EWOULDBLOCK) return "no answer within timeout_ms";
  return std::strerror(err);
}

result<std::string> outcome_of(const redisReply& r, const std::string& what) {
  if (is_error(r)) return error_from_reply(r, what);
  if (r.type == REDIS_REPLY_STRING || r.type == REDIS_REPLY_STATUS) return std::string(text_of(r));
  return fail(errc::internal,
              "redis: unexpected reply type " + std::to_string(r.type) + " to " + what);
}

}  // namespace

/// One connection of the pipeline and the posts in flight on it. Shared by
/// the senders and the current reader, so a replaced connection stays open
/// until the last of them let go.
struct wire {
  wire(connection c, std::uint64_t e) : conn(std::move(c)), epoch(e), reader(redisReaderCreate()) {}
  ~wire() {
    if (reader) redisReaderFree(reader);
  }
  wire(const wire&) = delete;
  wire& operator=(const wire&) = delete;

  connection conn;
  const std::uint64_t epoch;
  redisReader* reader;  // parses replies; used by the reading caller only

  std::mutex mu;  // guards everything below and the outcomes of `in_flight`
  std::deque<pending_ptr> in_flight;
  std::string out;  // bytes of queued commands not yet handed to send(2)
  bool sending = false;
  bool reading = false;
  bool broken = false;

  /// Fails every post in flight and refuses more; returns the posts to
  /// signal once `mu` is released. Call with `mu` held.
  [[nodiscard]] std::vector<pending_ptr> break_locked(errc code, const std::string& why) {
    std::vector<pending_ptr> failed;
    if (broken) return failed;
    broken = true;
    out.clear();
    for (auto& p : in_flight) {
      p->outcome = fail(code, why + " (" + p->what + ")");
      failed.push_back(std::move(p));
    }
    in_flight.clear();
    return failed;
  }
};

namespace {

void signal_all(const std::vector<pending_ptr>& posts) {
  for (const auto& p : posts) p->cv.notify_one();
}

/// The reading turn: read and hand out replies until `me` has its own, then
/// pass the turn to the oldest post still waiting. Called and returns with
/// `lock` held on `w.mu`; signals posts only while not holding it. Returns
/// why the connection broke, if it did.
std::optional<std::string> read_turn(wire& w, pending& me, std::unique_lock<std::mutex>& lock) {
  w.reading = true;
  std::optional<std::string> broke;
  std::vector<pending_ptr> done;
  char buf[64 * 1024];
  for (;;) {
    void* raw = nullptr;
    while (!w.in_flight.empty()) {
      if (redisReaderGetReply(w.reader, &raw) != REDIS_OK) {
        broke = "redis: unreadable reply on the write connection";
        auto failed = w.break_locked(errc::backend_unavailable, *broke);
        done.insert(done.end(), failed.begin(), failed.end());
        break;
      }
      if (!raw) break;
      reply_ptr reply(static_cast<redisReply*>(raw));
      pending_ptr p = std::move(w.in_flight.front());
      w.in_flight.pop_front();
      p->outcome = outcome_of(*reply, p->what);
      if (p.get() != &me) done.push_back(std::move(p));
    }
    if (me.outcome || w.broken) break;
    const int fd = w.conn.fd();
    lock.unlock();
    signal_all(done);
    done.clear();
    ssize_t n;
    do {
      n = ::recv(fd, buf, sizeof buf, 0);
    } while (n < 0 && errno == EINTR);
    const int err = errno;
    lock.lock();
    if (n <= 0) {
      if (w.broken) break;  // a sender found it broken first
      broke = "redis: write connection lost: " +
              (n == 0 ? std::string("server closed the connection") : describe_errno(err));
      auto failed = w.break_locked(errc::backend_unavailable,
                                   *broke + "; the post may or may not have been stored");
      done.insert(done.end(), failed.begin(), failed.end());
      break;
    }
    (void)redisReaderFeed(w.reader, buf, static_cast<std::size_t>(n));
  }
  w.reading = false;
  if (!w.in_flight.empty()) done.push_back(w.in_flight.front());  // takes the turn
  lock.unlock();
  signal_all(done);
  lock.lock();
  return broke;
}

}  // namespace

write_pipeline::write_pipeline(endpoint ep, std::chrono::milliseconds timeout,
                               std::shared_ptr<link_monitor> monitor, connection first,
                               std::uint64_t first_epoch)
    : ep_(std::move(ep)),
      timeout_(timeout),
      monitor_(std::move(monitor)),
      wire_(std::make_shared<wire>(std::move(first), first_epoch)) {}

write_pipeline::~write_pipeline() {
  close();
}

result<std::shared_ptr<wire>> write_pipeline::current_wire() {
  const std::uint64_t epoch = monitor_->epoch();
  if (wire_) {
    std::unique_lock lock(wire_->mu);
    if (!wire_->broken && wire_->epoch == epoch) return wire_;
    // Opened before the last reconnect: whatever it had in flight is lost.
    auto failed = wire_->break_locked(errc::backend_unavailable,
                                      "redis: the connection was replaced after a reconnect");
    lock.unlock();
    signal_all(failed);
    ::shutdown(wire_->conn.fd(), SHUT_RDWR);
  }
  wire_.reset();
  auto c = connection::open(ep_, timeout_);
  if (!c) {
    if (c.error().code == errc::backend_unavailable)
      monitor_->report_lost(epoch, c.error().message);
    return c.error();
  }
  wire_ = std::make_shared<wire>(std::move(*c), epoch);
  return wire_;
}

result<std::string> write_pipeline::submit(const command_args& command, const std::string& what) {
  std::string bytes = encode(command);
  auto me = std::make_shared<pending>(what);
  std::shared_ptr<wire> w;
  {
    std::lock_guard lock(mu_);
    if (closed_) return fail(errc::not_connected, "redis backend is disconnected");
    if (monitor_->state() != health::connected)
      return fail(errc::backend_unavailable,
                  "redis: not connected to " + ep_.describe() + ": " + monitor_->reason());
    auto current = current_wire();
    if (!current) return current.error();
    w = std::move(*current);
  }

  std::unique_lock lock(w->mu);
  if (w->broken)
    return fail(errc::backend_unavailable, "redis: write connection lost (" + what + ")");
  w->in_flight.push_back(me);
  w->out += bytes;
  if (!w->sending) {
    // The sending turn: write until the buffer is empty, including what
    // other posts append meanwhile.
    w->sending = true;
    while (!w->out.empty() && !w->broken) {
      bytes.clear();
      bytes.swap(w->out);
      lock.unlock();
      const int err = send_all(w->conn.fd(), bytes);
      lock.lock();
      if (err != 0) {
        const std::string why =
            "redis: write to " + ep_.describe() + " failed: " + describe_errno(err);
        auto failed = w->break_locked(errc::backend_unavailable, why);
        lock.unlock();
        signal_all(failed);
        ::shutdown(w->conn.fd(), SHUT_RDWR);  // wakes a reader blocked on it
        monitor_->report_lost(w->epoch, why);
        lock.lock();
      }
    }
    w->sending = false;
  }

  while (!me->outcome) {
    if (!w->reading) {
      if (auto broke = read_turn(*w, *me, lock)) {
        lock.unlock();
        ::shutdown(w->conn.fd(), SHUT_RDWR);
        monitor_->report_lost(w->epoch, *broke);
        lock.lock();
      }
      continue;
    }
    me->cv.wait(lock);
  }
  return std::move(*me->outcome);
}

void write_pipeline::close() {
  std::shared_ptr<wire> w;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    w = std::move(wire_);
  }
  if (!w) return;
  std::vector<pending_ptr> failed;
  {
    std::lock_guard lock(w->mu);
    failed = w->break_locked(errc::not_connected, "redis backend was disconnected");
  }
  signal_all(failed);
  ::shutdown(w->conn.fd(), SHUT_RDWR);
}

}  // namespace parley::redis
