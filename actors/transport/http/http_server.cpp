// The only translation unit that includes Boost.Beast (each one costs about
// 13 s and 500 MB to compile).
#include "actors/transport/http/http_server.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <deque>
#include <optional>
#include <mutex>
#include <thread>

namespace parley::http {

namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

class connection;

/// SSE over a chunked response. Writes are serialized on the connection's
/// strand; send() only appends under a mutex and schedules a flush.
class sse_stream final : public event_stream, public std::enable_shared_from_this<sse_stream> {
 public:
  explicit sse_stream(std::shared_ptr<connection> conn) : conn_(std::move(conn)) {}

  bool send(const std::string& id, const std::string& data) override {
    std::string frame;
    frame.reserve(data.size() + id.size() + 32);
    if (!id.empty()) frame.append("id: ").append(id).push_back('\n');
    frame.append("event: message\ndata: ").append(data).append("\n\n");
    return enqueue(std::move(frame));
  }
  bool comment(const std::string& text) override { return enqueue(": " + text + "\n\n"); }
  std::size_t backlog() const override { return backlog_.load(); }
  bool closed() const override { return closed_.load(); }
  void close() override;
  void on_close(std::function<void()> fn) override {
    std::lock_guard lock(mu_);
    if (closed_) {
      fn();
      return;
    }
    on_close_ = std::move(fn);
  }

  void mark_closed() {
    std::function<void()> fn;
    {
      std::lock_guard lock(mu_);
      if (closed_.exchange(true)) return;
      fn = std::move(on_close_);
    }
    if (fn) fn();
  }

  // Strand side.
  void flush();

 private:
  bool enqueue(std::string frame);

  std::shared_ptr<connection> conn_;
  mutable std::mutex mu_;
  std::string pending_;
  std::shared_ptr<std::string> writing_;
  bool flush_scheduled_ = false;
  std::atomic<std::size_t> backlog_{0};
  std::atomic<bool> closed_{false};
  std::function<void()> on_close_;
};

class exchange_impl;

class connection : public std::enable_shared_from_this<connection> {
 public:
  connection(tcp::socket socket, handler* h, std::size_t max_body)
      : stream_(std::move(socket)), handler_(h), max_body_(max_body) {}

  void start() { net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); }); }

  beast::tcp_stream& stream() { return stream_; }

  void read() {
    parser_.emplace();
    parser_->body_limit(max_body_);
    parser_->header_limit(64 * 1024);
    // An idle keep-alive connection (or one trickling a request) is closed
    // after this long; event streams turn the timer off.
    stream_.expires_after(std::chrono::seconds(120));
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec);

  void write_response(response r, bool keep_alive) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(r.status));
    for (auto& [k, v] : r.header) res->set(k, v);
    res->keep_alive(keep_alive);
    res->body() = std::move(r.body);
    res->prepare_payload();
    bhttp::async_write(stream_, *res, [self = shared_from_this(), res, keep_alive](beast::error_code ec, std::size_t) {
      if (ec) return;
      if (!keep_alive) {
        beast::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        self->drain();
        return;
      }
      self->read();
    });
  }

  std::shared_ptr<event_stream> open_stream(headers extra) {
    auto sse = std::make_shared<sse_stream>(shared_from_this());
    net::post(stream_.get_executor(), [self = shared_from_this(), sse, extra = std::move(extra)]() mutable {
      auto res = std::make_shared<bhttp::response<bhttp::empty_body>>();
      res->version(11);
      res->result(bhttp::status::ok);
      res->set(bhttp::field::content_type, "text/event-stream");
      res->set(bhttp::field::cache_control, "no-cache");
      for (auto& [k, v] : extra) res->set(k, v);
      res->chunked(true);
      auto sr = std::make_shared<bhttp::response_serializer<bhttp::empty_body>>(*res);
      bhttp::async_write_header(self->stream_, *sr, [self, sse, res, sr](beast::error_code ec, std::size_t) {
        if (ec) {
          sse->mark_closed();
          return;
        }
        self->streaming_ = true;
        self->stream_.expires_never();
        sse->flush();
        self->watch_for_close(sse);
      });
    });
    return sse;
  }

  /// A streaming client sends nothing more; a read that ends means it left.
  void watch_for_close(std::shared_ptr<sse_stream> sse) {
    stream_.socket().async_wait(tcp::socket::wait_read, [self = shared_from_this(), sse](beast::error_code) {
      char probe[256];
      beast::error_code ec;
      const std::size_t n = self->stream_.socket().read_some(net::buffer(probe), ec);
      if (ec || n == 0) {
        sse->mark_closed();
        beast::error_code ignored;
        self->stream_.socket().close(ignored);
        return;
      }
      self->watch_for_close(sse);
    });
  }

  /// After a final answer (413), read and discard what the client still
  /// sends, for a bounded time, so it can finish writing and read our answer
  /// instead of being reset mid-upload.
  void drain() {
    stream_.expires_after(std::chrono::seconds(2));
    auto sink = std::make_shared<std::array<char, 65536>>();
    stream_.async_read_some(net::buffer(*sink), [self = shared_from_this(), sink](beast::error_code ec, std::size_t) {
      if (!ec) self->drain();
    });
  }

  void write_chunk(std::shared_ptr<std::string> data, std::function<void(beast::error_code)> done) {
    net::async_write(stream_.socket(), bhttp::make_chunk(net::buffer(*data)),
                     [data, done = std::move(done)](beast::error_code ec, std::size_t) { done(ec); });
  }

  void close_stream() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      self->stream_.socket().close(ignored);
    });
  }

 private:
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  handler* handler_;
  std::size_t max_body_;
  bool streaming_ = false;
};

class exchange_impl final : public exchange {
 public:
  exchange_impl(std::shared_ptr<connection> conn, bool keep_alive) : conn_(std::move(conn)), keep_alive_(keep_alive) {}
  ~exchange_impl() override {
    // A handler that dropped the exchange without answering: never leave
    // the client hanging.
    if (!answered_.exchange(true)) post_response(response{500, {{"content-type", "text/plain"}}, "no answer"});
  }
  void respond(response r) override {
    if (answered_.exchange(true)) return;
    post_response(std::move(r));
  }
  std::shared_ptr<event_stream> open_stream(headers extra) override {
    if (answered_.exchange(true)) return nullptr;
    return conn_->open_stream(std::move(extra));
  }

 private:
  void post_response(response r) {
    auto conn = conn_;
    const bool keep = keep_alive_;
    net::post(conn->stream().get_executor(),
              [conn, keep, r = std::move(r)]() mutable { conn->write_response(std::move(r), keep); });
  }
  std::shared_ptr<connection> conn_;
  bool keep_alive_;
  std::atomic<bool> answered_{false};
};

void connection::on_read(beast::error_code ec) {
  if (ec == bhttp::error::body_limit) {
    write_response(response{413, {{"content-type", "application/json"}},
                            R"({"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Request body too large"}})"},
                   false);
    return;
  }
  if (ec) return;  // closed, or not HTTP: drop the connection
  auto& msg = parser_->get();
  request req;
  req.method = std::string(msg.method_string());
  req.target = std::string(msg.target());
  for (const auto& f : msg) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.header[name] = std::string(f.value());
  }
  req.body = std::move(msg.body());
  beast::error_code pe;
  auto ep = stream_.socket().remote_endpoint(pe);
  if (!pe) req.peer = ep.address().to_string();
  const bool keep_alive = msg.keep_alive();
  auto ex = std::make_shared<exchange_impl>(shared_from_this(), keep_alive);
  (*handler_)(std::move(req), std::move(ex));
}

bool sse_stream::enqueue(std::string frame) {
  {
    std::lock_guard lock(mu_);
    if (closed_) return false;
    backlog_ += frame.size();
    pending_.append(frame);
    if (flush_scheduled_ || writing_) return true;
    flush_scheduled_ = true;
  }
  net::post(conn_->stream().get_executor(), [self = shared_from_this()] { self->flush(); });
  return true;
}

void sse_stream::flush() {
  std::shared_ptr<std::string> data;
  {
    std::lock_guard lock(mu_);
    flush_scheduled_ = false;
    if (writing_ || pending_.empty() || closed_) return;
    data = std::make_shared<std::string>(std::move(pending_));
    pending_.clear();
    writing_ = data;
  }
  conn_->write_chunk(data, [self = shared_from_this(), data](beast::error_code ec) {
    {
      std::lock_guard lock(self->mu_);
      self->writing_.reset();
      self->backlog_ -= data->size();
    }
    if (ec) {
      self->mark_closed();
      return;
    }
    self->flush();
  });
}

void sse_stream::close() {
  mark_closed();
  conn_->close_stream();
}

class server_impl final : public server {
 public:
  server_impl(const server_options& opts, handler h) : opts_(opts), handler_(std::move(h)), acceptor_(ioc_) {}
  ~server_impl() override { stop(); }

  bool listen(std::string& error) {
    beast::error_code ec;
    auto addr = net::ip::make_address(opts_.host, ec);
    if (ec) {
      error = "invalid listen address '" + opts_.host + "'";
      return false;
    }
    tcp::endpoint ep(addr, opts_.port);
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      error = "cannot listen on " + opts_.host + ":" + std::to_string(opts_.port) + ": " + ec.message();
      return false;
    }
    port_ = acceptor_.local_endpoint().port();
    accept();
    for (std::size_t i = 0; i < std::max<std::size_t>(1, opts_.io_threads); ++i)
      threads_.emplace_back([this] { ioc_.run(); });
    return true;
  }

  unsigned short port() const override { return port_; }

  void stop() override {
    if (stopped_.exchange(true)) return;
    net::post(ioc_, [this] {
      beast::error_code ignored;
      acceptor_.close(ignored);
    });
    ioc_.stop();
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }

 private:
  void accept() {
    acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == net::error::operation_aborted) return;
      } else {
        socket.set_option(tcp::no_delay(true), ec);
        std::make_shared<connection>(std::move(socket), &handler_, opts_.max_body_bytes)->start();
      }
      accept();
    });
  }

  server_options opts_;
  handler handler_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
  unsigned short port_ = 0;
  std::atomic<bool> stopped_{false};
};

}  // namespace

std::unique_ptr<server> start(const server_options& opts, handler h, std::string& error) {
  auto s = std::make_unique<server_impl>(opts, std::move(h));
  if (!s->listen(error)) return nullptr;
  return s;
}

}  // namespace parley::http
