// The only translation unit of the WebSocket client that includes Boost.Beast
// (each one costs about 13 s and 500 MB to compile): the URL, the runtime
// thread and both stream kinds live here.
#include "src/ws_client/ws_connection.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "src/util/url.hpp"
#include "src/ws_client/ws_url.hpp"

namespace parley::ws {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

/// What the caller's threads and the I/O thread share, under `mu`.
struct ws_connection::state {
  virtual ~state() = default;
  virtual void start_send(std::string text) = 0;
  virtual void start_close(std::uint16_t code, std::string reason) = 0;
  virtual void resume_reading() = 0;

  explicit state(ws_settings s) : settings(std::move(s)) {}

  const ws_settings settings;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::string> inbox;
  bool open_done = false;
  std::optional<error> open_error;
  std::optional<ws_closed> ended;
  /// The reader stopped because the inbox is full; receive() restarts it.
  bool reader_paused = false;
};

namespace {

/// One thread for every WebSocket of the process. It only moves bytes and
/// never runs backend code, so one is plenty; it lives as long as the
/// process (created on first use, never torn down, so that no socket ever
/// outlives its executor).
net::io_context& io() {
  struct runtime {
    net::io_context ioc{1};
    net::executor_work_guard<net::io_context::executor_type> guard = net::make_work_guard(ioc);
    std::thread thread{[this] {
      for (;;) {
        try {
          ioc.run();
          return;
        } catch (...) {
          // A handler threw: nothing here does, but a dead I/O thread would
          // silently stall every socket of the process.
        }
      }
    }};
  };
  static runtime* rt = new runtime;  // never destroyed: see above
  return rt->ioc;
}

/// `what` from a failed TLS handshake, with OpenSSL's verdict on the
/// certificate when that was the reason ("hostname mismatch").
std::string tls_failure(SSL* ssl, const beast::error_code& ec) {
  const long verdict = SSL_get_verify_result(ssl);
  if (verdict != X509_V_OK) return std::string("certificate refused: ") + X509_verify_cert_error_string(verdict);
  return "TLS handshake failed: " + ec.message();
}

template <class Stream>
class session final : public ws_connection::state, public std::enable_shared_from_this<session<Stream>> {
 public:
  static constexpr bool tls = !std::is_same_v<Stream, beast::tcp_stream>;

  session(ws_url url, ws_settings chosen)
      : state(std::move(chosen)), url_(std::move(url)), strand_(net::make_strand(io())), resolver_(strand_),
        open_timer_(strand_), tls_ctx_(ssl::context::tls_client) {
    // The context is set up before the stream exists: OpenSSL copies the
    // verify mode into each connection when it is created.
    if constexpr (tls) {
      beast::error_code ec;
      tls_ctx_.set_verify_mode(ssl::verify_peer);
      tls_ctx_.set_default_verify_paths(ec);
      if (!settings.ca_file.empty()) tls_ctx_.load_verify_file(settings.ca_file, ec);
      if (ec) setup_error_ = settings.label + " → cannot load the CA file: " + ec.message();
      ws_.emplace(strand_, tls_ctx_);
    } else {
      ws_.emplace(strand_);
    }
  }

  /// The handshakes run on the I/O thread from here on.
  result<void> start() {
    if (!setup_error_.empty()) return fail(errc::invalid_argument, setup_error_);
    net::dispatch(strand_, [self = this->shared_from_this()] { self->resolve(); });
    return {};
  }

  void start_send(std::string text) override {
    net::post(strand_, [self = this->shared_from_this(), text = std::move(text)]() mutable {
      if (!self->open_ || self->closing_ || self->finished_) return;
      self->outbox_.push_back(std::move(text));
      if (!self->writing_) self->write_next();
    });
  }

  void start_close(std::uint16_t code, std::string reason) override {
    net::post(strand_, [self = this->shared_from_this(), code, reason = std::move(reason)]() mutable {
      if (self->closing_ || self->finished_) return;
      self->closing_ = true;
      if (!self->open_) return self->abandon_opening("closed before the handshake completed");
      self->close_reason_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
      if (!self->writing_) self->send_close();
    });
  }

  void resume_reading() override {
    net::post(strand_, [self = this->shared_from_this()] {
      if (!self->finished_ && !self->reading_ && !self->closing_) self->read_next();
    });
  }

 private:
  auto& lowest() { return beast::get_lowest_layer(*ws_); }

  void resolve() {
    open_timer_.expires_after(settings.handshake_timeout);
    open_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (!ec && !self->open_) self->abandon_opening("timed out after " + std::to_string(self->settings.handshake_timeout.count()) + " ms");
    });
    resolver_.async_resolve(url_.host, std::to_string(url_.port),
                            [self = this->shared_from_this()](beast::error_code ec, tcp::resolver::results_type r) {
                              if (ec) return self->fail_open("cannot resolve " + self->url_.host + ": " + ec.message());
                              self->connect(r);
                            });
  }

  void connect(const tcp::resolver::results_type& endpoints) {
    if (finished_) return;
    lowest().async_connect(endpoints, [self = this->shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
      if (ec) return self->fail_open("cannot connect to " + self->url_.authority() + ": " + ec.message());
      beast::error_code ignored;
      self->lowest().socket().set_option(tcp::no_delay(true), ignored);
      if constexpr (tls)
        self->tls_handshake();
      else
        self->ws_handshake();
    });
  }

  void tls_handshake() {
    if (finished_) return;
    SSL* native = ws_->next_layer().native_handle();
    if (url_.host_is_ip) {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(native), url_.host.c_str());
    } else {
      // SNI: SSL_set_tlsext_host_name without the macro's C cast.
      SSL_ctrl(native, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char*>(url_.host.c_str()));
      SSL_set1_host(native, url_.host.c_str());
    }
    ws_->next_layer().async_handshake(ssl::stream_base::client, [self = this->shared_from_this()](beast::error_code ec) {
      if (ec) return self->fail_open(tls_failure(self->ws_->next_layer().native_handle(), ec));
      self->ws_handshake();
    });
  }

  void ws_handshake() {
    if (finished_) return;
    websocket::stream_base::timeout t{};
    t.handshake_timeout = settings.handshake_timeout;
    t.idle_timeout = settings.idle_timeout;
    t.keep_alive_pings = settings.idle_timeout.count() > 0;
    if (settings.idle_timeout.count() <= 0) t.idle_timeout = websocket::stream_base::none();
    ws_->set_option(t);
    ws_->set_option(websocket::stream_base::decorator([headers = settings.headers](websocket::request_type& req) {
      req.set(beast::http::field::user_agent, "parley");
      for (const auto& [name, value] : headers) req.set(name, value);
    }));
    ws_->read_message_max(settings.max_message_bytes);
    ws_->async_handshake(upgrade_, url_.host_header(), url_.target,
                         [self = this->shared_from_this()](beast::error_code ec) { self->on_upgraded(ec); });
  }

  void on_upgraded(beast::error_code ec) {
    if (ec == websocket::error::upgrade_declined)
      return fail_open("upgrade refused: HTTP " + std::to_string(upgrade_.result_int()));
    if (ec) return fail_open("WebSocket handshake failed: " + ec.message());
    if (finished_) return;
    open_ = true;
    open_timer_.cancel();
    {
      std::lock_guard lock(mu);
      open_done = true;
    }
    cv.notify_all();
    if (closing_) return send_close();
    read_next();
  }

  void read_next() {
    reading_ = true;
    ws_->async_read(read_buffer_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->reading_ = false;
      if (ec) return self->finish(ec);
      self->take_message();
    });
  }

  void take_message() {
    std::string message = beast::buffers_to_string(read_buffer_.data());
    read_buffer_.consume(read_buffer_.size());
    bool full;
    {
      std::lock_guard lock(mu);
      inbox.push_back(std::move(message));
      full = inbox.size() >= settings.max_queued_messages;
      reader_paused = full;
    }
    cv.notify_all();
    if (!full) read_next();
  }

  void write_next() {
    writing_ = true;
    ws_->text(true);
    ws_->async_write(net::buffer(outbox_.front()), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->writing_ = false;
      self->outbox_.pop_front();  // the message just written: kept until now, the write read from it
      // A failed write ends the connection through the reader; a close
      // waiting for the write goes out now.
      if (ec || self->finished_) return self->outbox_.clear();
      if (self->closing_) return self->send_close();
      if (!self->outbox_.empty()) self->write_next();
    });
  }

  void send_close() {
    outbox_.clear();
    ws_->async_close(close_reason_, [self = this->shared_from_this()](beast::error_code ec) {
      // The reader sees the peer's close frame and finishes; without a
      // reader running (paused, or never started), finish here.
      if (ec || !self->reading_) self->finish(ec ? ec : beast::error_code(websocket::error::closed));
    });
  }

  void fail_open(std::string what) {
    if (finished_) return;
    finished_ = true;
    open_timer_.cancel();
    beast::error_code ignored;
    lowest().socket().close(ignored);
    {
      std::lock_guard lock(mu);
      open_done = true;
      open_error = fail(errc::backend_unavailable, settings.label + " → " + what);
      ended = ws_closed{1006, "never opened"};
    }
    cv.notify_all();
  }

  void abandon_opening(std::string what) {
    resolver_.cancel();
    fail_open(std::move(what));
  }

  void finish(beast::error_code ec) {
    if (finished_) return;
    finished_ = true;
    ws_closed how;
    if (ec == websocket::error::closed || (closing_ && ws_->reason().code != websocket::close_code::none)) {
      how.code = static_cast<std::uint16_t>(ws_->reason().code);
      how.reason = std::string(ws_->reason().reason.c_str());
    } else if (closing_) {
      how.code = static_cast<std::uint16_t>(close_reason_.code);
      how.reason = std::string(close_reason_.reason.c_str());
    } else if (ec == websocket::error::message_too_big) {
      how.code = 1009;
      how.reason = "a message exceeded " + std::to_string(settings.max_message_bytes) + " bytes";
    } else {
      how.reason = ec.message();
    }
    beast::error_code ignored;
    lowest().socket().close(ignored);
    // A write in flight still reads the front message until its handler
    // runs (cancelled by the close); only what waits behind it goes now.
    outbox_.erase(writing_ && !outbox_.empty() ? std::next(outbox_.begin()) : outbox_.begin(), outbox_.end());
    {
      std::lock_guard lock(mu);
      ended = std::move(how);
    }
    cv.notify_all();
  }

  const ws_url url_;
  net::strand<net::io_context::executor_type> strand_;
  tcp::resolver resolver_;
  net::steady_timer open_timer_;
  ssl::context tls_ctx_;  // before ws_: the stream keeps a reference
  std::optional<websocket::stream<Stream>> ws_;
  websocket::response_type upgrade_;
  beast::flat_buffer read_buffer_;
  std::deque<std::string> outbox_;
  websocket::close_reason close_reason_;
  std::string setup_error_;
  // Strand-only state.
  bool open_ = false;
  bool closing_ = false;
  bool finished_ = false;
  bool reading_ = false;
  bool writing_ = false;
};

}  // namespace

result<std::unique_ptr<ws_connection>> ws_connection::open(const std::string& url, const ws_settings& settings) {
  auto parsed = parse_ws_url(url);
  if (!parsed) return fail(errc::invalid_argument, settings.label + " → not a ws:// or wss:// URL");
  std::shared_ptr<state> s;
  if (parsed->tls) {
    auto tls = std::make_shared<session<beast::ssl_stream<beast::tcp_stream>>>(std::move(*parsed), settings);
    if (auto started = tls->start(); !started) return started.error();
    s = tls;
  } else {
    auto plain = std::make_shared<session<beast::tcp_stream>>(std::move(*parsed), settings);
    if (auto started = plain->start(); !started) return started.error();
    s = plain;
  }
  std::unique_lock lock(s->mu);
  s->cv.wait(lock, [&] { return s->open_done; });  // the open timer bounds it
  if (s->open_error) return *s->open_error;
  lock.unlock();
  return std::unique_ptr<ws_connection>(new ws_connection(std::move(s)));
}

ws_connection::ws_connection(std::shared_ptr<state> s) : state_(std::move(s)) {}

ws_connection::~ws_connection() {
  close();
  // Give the close handshake a moment so the peer sees a clean close; the
  // session itself lives on in its handlers until the I/O thread is done.
  std::unique_lock lock(state_->mu);
  state_->cv.wait_for(lock, std::chrono::seconds(2), [&] { return state_->ended.has_value(); });
}

result<std::optional<std::string>> ws_connection::receive(std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mu);
  state_->cv.wait_for(lock, timeout, [&] { return !state_->inbox.empty() || state_->ended; });
  if (!state_->inbox.empty()) {
    std::string message = std::move(state_->inbox.front());
    state_->inbox.pop_front();
    if (state_->reader_paused && state_->inbox.size() <= state_->settings.max_queued_messages / 2) {
      state_->reader_paused = false;
      lock.unlock();
      state_->resume_reading();
    }
    return std::optional<std::string>(std::move(message));
  }
  if (state_->ended) {
    std::string what = state_->settings.label + " → closed (" + std::to_string(state_->ended->code);
    if (!state_->ended->reason.empty()) what += ": " + state_->ended->reason;
    return fail(errc::not_connected, what + ")");
  }
  return std::optional<std::string>{};
}

result<void> ws_connection::send(std::string text) {
  {
    std::lock_guard lock(state_->mu);
    if (state_->ended) return fail(errc::not_connected, state_->settings.label + " → closed");
  }
  state_->start_send(std::move(text));
  return {};
}

void ws_connection::close(std::uint16_t code, std::string reason) { state_->start_close(code, std::move(reason)); }

std::optional<ws_closed> ws_connection::closed() const {
  std::lock_guard lock(state_->mu);
  return state_->ended;
}

}  // namespace parley::ws
