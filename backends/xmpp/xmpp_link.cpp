#include "backends/xmpp/xmpp_link.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <cstring>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <random>

#include "src/util/log.hpp"
#include "src/util/url.hpp"

namespace parley::xmpp {

namespace {

constexpr const char* component = "xmpp";

/// libstrophe's socket-option hook has no user data; the link thread is the
/// only thread that runs libstrophe, so it names its link here.
thread_local xmpp_link* current_link = nullptr;

int socket_hook(xmpp_conn_t* conn, void* sock) {
  const int fd = *static_cast<int*>(sock);
  if (current_link != nullptr) current_link->on_socket(fd);
  // libstrophe writes a stanza in several small writes; without NODELAY,
  // Nagle's algorithm meets the server's delayed ACK and each post waits
  // ~40 ms for its tail.
  const int one = 1;
  (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return xmpp_sockopt_cb_keepalive(conn, sock);
}

void connection_hook(xmpp_conn_t*, xmpp_conn_event_t event, int error, xmpp_stream_error_t* stream_error,
                     void* self) {
  static_cast<xmpp_link*>(self)->on_connection(event, error, stream_error);
}
int message_hook(xmpp_conn_t*, xmpp_stanza_t* s, void* self) { return static_cast<xmpp_link*>(self)->on_message(s); }
int presence_hook(xmpp_conn_t*, xmpp_stanza_t* s, void* self) {
  return static_cast<xmpp_link*>(self)->on_presence(s);
}
int iq_hook(xmpp_conn_t*, xmpp_stanza_t* s, void* self) { return static_cast<xmpp_link*>(self)->on_iq(s); }

/// libstrophe says whether a stream resumed only in its log. This logger
/// reads that one line and writes nothing: at other levels libstrophe's log
/// would show stanzas and the SASL exchange, so it is never printed.
void log_hook(void* self, xmpp_log_level_t, const char*, const char* msg) {
  if (msg != nullptr && std::strstr(msg, "Session resumed successfully") != nullptr)
    static_cast<xmpp_link*>(self)->on_resumed();
}

/// libstrophe initializes OpenSSL and its own tables once per process.
void initialize_library() {
  static std::once_flag once;
  std::call_once(once, [] { xmpp_initialize(); });
}

long connection_flags(const xmpp_config& cfg) {
  switch (cfg.tls) {
    case tls_mode::off:
      return XMPP_CONN_FLAG_DISABLE_TLS;
    case tls_mode::direct:
      return XMPP_CONN_FLAG_LEGACY_SSL;
    case tls_mode::starttls:
      // Without TLS a password would cross the network in the clear: only a
      // server on this machine may go without it.
      return url::is_loopback_host(cfg.host == "::1" ? "[::1]" : cfg.host) ? 0 : XMPP_CONN_FLAG_MANDATORY_TLS;
  }
  return 0;
}

std::string describe_failure(xmpp_conn_event_t event, int error, xmpp_stream_error_t* stream_error) {
  if (stream_error != nullptr) {
    std::string out = "stream error";
    if (stream_error->text != nullptr) out += std::string(": ") + stream_error->text;
    return out;
  }
  if (error != 0) return std::string("socket error: ") + std::strerror(error);
  if (event == XMPP_CONN_FAIL) return "could not connect";
  return "the server closed the stream (refused login?)";
}

/// Whether `host:port` accepts a TCP connection within `timeout_ms`; the
/// reason when not. libstrophe reports a refused connection like a closed
/// stream, and a user must learn which of the two it was.
std::optional<std::string> unreachable(const std::string& host, int port, int timeout_ms) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); rc != 0)
    return std::string("cannot resolve ") + host + ": " + gai_strerror(rc);
  std::string why = "no address";
  for (auto* a = found; a != nullptr; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int err = ::connect(fd, a->ai_addr, a->ai_addrlen) == 0 ? 0 : errno;
    if (err == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      err = ::poll(&p, 1, timeout_ms) == 1 ? 0 : ETIMEDOUT;
      socklen_t len = sizeof err;
      if (err == 0) ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    }
    ::close(fd);
    if (err == 0) {
      freeaddrinfo(found);
      return std::nullopt;
    }
    why = std::strerror(err);
  }
  freeaddrinfo(found);
  return "cannot connect to " + host + ":" + std::to_string(port) + ": " + why;
}

}  // namespace

xmpp_link::xmpp_link(xmpp_config cfg, events ev)
    : cfg_(std::move(cfg)),
      ev_(std::move(ev)),
      backoff_(std::chrono::milliseconds(cfg_.reconnect_min_ms), std::chrono::milliseconds(cfg_.reconnect_max_ms)) {
  std::random_device rd;
  id_salt_ = std::to_string(rd()) + std::to_string(rd());
}

xmpp_link::~xmpp_link() { stop(); }

result<void> xmpp_link::start() {
  if (auto why = unreachable(cfg_.host, cfg_.port, static_cast<int>(cfg_.timeout_ms)))
    return fail(errc::backend_unavailable,
                "XMPP server " + cfg_.describe() + " unreachable: " + *why + " (is it running? check service)");
  initialize_library();
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) return fail(errc::io_error, "eventfd failed");
  thread_ = std::thread([this] { run(); });
  std::unique_lock lock(start_mu_);
  start_cv_.wait(lock, [this] { return start_done_; });
  if (!start_result_) stop();
  return start_result_;
}

void xmpp_link::stop() {
  stopping_.store(true);
  if (wake_fd_ >= 0) {
    const std::uint64_t one = 1;
    (void)!::write(wake_fd_, &one, sizeof one);
  }
  if (thread_.joinable()) thread_.join();
  if (wake_fd_ >= 0) ::close(wake_fd_);
  wake_fd_ = -1;
}

void xmpp_link::submit(std::function<void()> fn) {
  {
    std::unique_lock lock(inbox_mu_);
    if (inbox_closed_) {
      // The link thread is gone: run here, where the work sees the link
      // offline and fails at once.
      lock.unlock();
      fn();
      return;
    }
    inbox_.push_back(std::move(fn));
  }
  const std::uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
}

void xmpp_link::drain_inbox() {
  std::deque<std::function<void()>> work;
  {
    std::lock_guard lock(inbox_mu_);
    work.swap(inbox_);
  }
  for (auto& fn : work) fn();
}

void xmpp_link::run() {
  current_link = this;
  const xmpp_log_t logger{log_hook, this};
  ctx_ = xmpp_ctx_new(nullptr, &logger);
  xmpp_ctx_set_verbosity(ctx_, 0);
  open_connection();
  while (!stopping_.load()) {
    drain_inbox();
    // While logging in, libstrophe writes from its own queue that the wait
    // below cannot see: let it wait itself, briefly.
    xmpp_run_once(ctx_, online_.load() ? 0 : 5);
    run_timers();
    wait_for_io();
  }
  fail_all("the XMPP backend disconnected");
  online_.store(false);
  {
    std::lock_guard lock(inbox_mu_);
    inbox_closed_ = true;
  }
  drain_inbox();
  if (conn_ != nullptr) {
    if (xmpp_conn_is_connected(conn_)) {
      xmpp_disconnect(conn_);
      for (int i = 0; i < 50 && !xmpp_conn_is_disconnected(conn_); ++i) xmpp_run_once(ctx_, 10);
    }
    xmpp_conn_release(conn_);
  }
  if (retired_ != nullptr) xmpp_conn_release(retired_);
  xmpp_ctx_free(ctx_);
  current_link = nullptr;
  std::lock_guard lock(start_mu_);
  if (!start_done_) {
    start_done_ = true;
    start_result_ = fail(errc::not_connected, "stopped before connecting");
    start_cv_.notify_all();
  }
}

/// Sleeps until the server sends, the send queue can drain, someone submits
/// work, or a timer is due. libstrophe reads with TLS buffering of its own,
/// so the wait is short on TLS streams: bytes already decrypted do not make
/// the socket readable.
void xmpp_link::wait_for_io() {
  if (sock_fd_ < 0 || !online_.load()) return;  // logging in: xmpp_run_once above waited
  pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {sock_fd_, POLLIN, 0}};
  if (conn_ != nullptr && xmpp_conn_send_queue_len(conn_) > 0) fds[1].events |= POLLOUT;
  const int timeout = cfg_.tls == tls_mode::off ? 200 : 20;
  if (::poll(fds, 2, timeout) <= 0) return;
  if ((fds[0].revents & POLLIN) != 0) {
    std::uint64_t n = 0;
    (void)!::read(wake_fd_, &n, sizeof n);
  }
  if ((fds[1].revents & POLLIN) != 0) {
    // Acknowledge what we read at once. A server that sends stanzas in small
    // writes without TCP_NODELAY (Prosody by default) holds each one until
    // the previous is acknowledged, and a receiver that never writes back
    // delays its ACKs up to 40 ms: an archive page of 100 results took a
    // second, a live message 20 ms. Linux resets quick-ACK mode on its own,
    // so it is set again before every read.
    const int one = 1;
    (void)setsockopt(sock_fd_, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
  }
}

void xmpp_link::run_timers() {
  const auto now = clock::now();
  std::vector<timer> due;
  for (auto it = timers_.begin(); it != timers_.end();) {
    if (it->at <= now) {
      due.push_back(std::move(*it));
      it = timers_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& t : due) t.fn();
  expire(now);
  if (cfg_.self_ping_ms > 0 && online_.load() && now >= next_self_ping_) {
    next_self_ping_ = now + std::chrono::milliseconds(cfg_.self_ping_ms);
    self_ping_all();
  }
}

void xmpp_link::open_connection() {
  reconnect_pending_ = false;
  xmpp_conn_t* conn = xmpp_conn_new(ctx_);
  xmpp_conn_set_flags(conn, connection_flags(cfg_));
  const auto jid = cfg_.jid();
  xmpp_conn_set_jid(conn, jid.c_str());
  xmpp_conn_set_pass(conn, cfg_.password.c_str());
  xmpp_conn_set_sockopt_callback(conn, socket_hook);
  if (conn_ != nullptr) {
    // Carry the stream-management state over, so the server can resume the
    // session (and replay what it queued for us) instead of starting anew.
    if (xmpp_sm_state_t* sm = xmpp_conn_get_sm_state(conn_)) xmpp_conn_set_sm_state(conn, sm);
    if (retired_ != nullptr) xmpp_conn_release(retired_);
    retired_ = conn_;
  }
  conn_ = conn;
  xmpp_handler_add(conn_, message_hook, nullptr, "message", nullptr, this);
  xmpp_handler_add(conn_, presence_hook, nullptr, "presence", nullptr, this);
  xmpp_handler_add(conn_, iq_hook, nullptr, "iq", nullptr, this);
  sock_fd_ = -1;
  const int rc = xmpp_connect_client(conn_, cfg_.host.c_str(), static_cast<unsigned short>(cfg_.port),
                                     connection_hook, this);
  if (rc != XMPP_EOK) schedule_reconnect("could not start connecting");
}

void xmpp_link::on_connection(xmpp_conn_event_t event, int error, xmpp_stream_error_t* stream_error) {
  if (event == XMPP_CONN_CONNECT) {
    came_online();
    return;
  }
  if (event == XMPP_CONN_RAW_CONNECT) return;
  if (stopping_.load()) {
    online_.store(false);
    return;
  }
  const auto why = describe_failure(event, error, stream_error);
  {
    std::lock_guard lock(start_mu_);
    if (!start_done_) {
      start_done_ = true;
      start_result_ = fail(errc::backend_unavailable, "could not log in to XMPP server " + cfg_.describe() +
                                                          " as " + cfg_.jid() + ": " + why +
                                                          " (check service, domain, username and password)");
      start_cv_.notify_all();
      // The first login failed: give up (connect reports it), do not retry.
      stopping_.store(true);
      return;
    }
  }
  went_offline(why);
}

void xmpp_link::came_online() {
  online_.store(true);
  backoff_.reset();
  report(health::connected, "logged in to " + cfg_.describe() + " as " + cfg_.jid());
  const bool again = ever_online_;
  ever_online_ = true;
  {
    std::lock_guard lock(start_mu_);
    if (!start_done_) {
      start_done_ = true;
      start_cv_.notify_all();
    }
  }
  if (!again) return;
  // Whether the session resumed or not, enter every room again: a presence
  // to a room we are still in is harmless, and after a server restart it is
  // the only way back in. Each re-entered room reports a possible gap.
  for (auto& [jid, r] : rooms_) {
    r.state = room_state::out;
    r.attempts = 0;
    if (r.wanted || !r.waiters.empty()) {
      r.lost_before = r.wanted;
      send_join(jid, r);
    }
  }
}

void xmpp_link::went_offline(const std::string& reason) {
  const bool was_online = online_.exchange(false);
  sock_fd_ = -1;
  if (was_online) log::warn(component, "lost XMPP server " + cfg_.describe() + ": " + reason);
  // Posts in flight may or may not have reached the room; their authors
  // are told so instead of waiting for a reflection that may never come.
  fail_all("lost the XMPP server before it confirmed (" + reason +
           "); the post may or may not be in the room: check with a fetch before retrying");
  schedule_reconnect(reason);
}

void xmpp_link::schedule_reconnect(const std::string& reason) {
  if (reconnect_pending_ || stopping_.load()) return;
  reconnect_pending_ = true;
  report(health::retrying, "XMPP server " + cfg_.describe() + " unreachable (" + reason + "); retrying");
  timers_.push_back({clock::now() + backoff_.next(), [this] { open_connection(); }});
}

void xmpp_link::report(health h, const std::string& reason) {
  if (ev_.health_changed) ev_.health_changed(h, reason);
}

void xmpp_link::send(stanza_ptr s) { xmpp_send(conn_, s.get()); }

std::string xmpp_link::next_id(const char* prefix) {
  return std::string(prefix) + std::to_string(++id_counter_) + "-" + id_salt_;
}

}  // namespace parley::xmpp
