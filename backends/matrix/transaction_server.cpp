// The only translation unit of the Matrix backend that includes Boost.Beast.
#include "backends/matrix/transaction_server.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <optional>
#include <thread>

namespace parley::matrix {

namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

/// Transactions carry up to 100 events of up to 64 KiB each.
constexpr std::uint64_t max_request_bytes = 32 * 1024 * 1024;

/// One keep-alive connection: read a request, answer it, read the next.
class session : public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket socket, const transaction_server::handler& h) : socket_(std::move(socket)), handler_(h) {}

  void read() {
    parser_.emplace();
    parser_->body_limit(max_request_bytes);
    bhttp::async_read(socket_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (!ec) self->answer();
    });
  }

 private:
  void answer() {
    auto& req = parser_->get();
    inbound_request in;
    in.method = std::string(req.method_string());
    in.target = std::string(req.target());
    if (auto it = req.find(bhttp::field::authorization); it != req.end()) in.authorization = std::string(it->value());
    in.body = std::move(req.body());
    const auto out = handler_(in);
    response_ = {};
    response_.version(req.version());
    response_.result(static_cast<unsigned>(out.status));
    response_.set(bhttp::field::content_type, "application/json");
    response_.keep_alive(req.keep_alive());
    response_.body() = out.body;
    response_.prepare_payload();
    bhttp::async_write(socket_, response_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (!ec && self->response_.keep_alive()) self->read();
    });
  }

  tcp::socket socket_;
  const transaction_server::handler& handler_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> response_;
};

}  // namespace

struct transaction_server::impl {
  net::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  handler on_request;
  std::thread thread;

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;  // closed: stopping
      std::make_shared<session>(std::move(socket), on_request)->read();
      accept();
    });
  }
};

result<std::unique_ptr<transaction_server>> transaction_server::start(const std::string& host, int port,
                                                                      handler on_request) {
  auto p = std::make_unique<impl>();
  p->on_request = std::move(on_request);
  beast::error_code ec;
  const auto address = net::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) return fail(errc::invalid_config, "appservice listen host \"" + host + "\" is not an IP address");
  const tcp::endpoint ep(address, static_cast<unsigned short>(port));
  p->acceptor.open(ep.protocol(), ec);
  if (!ec) p->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) p->acceptor.bind(ep, ec);
  if (!ec) p->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    return fail(errc::backend_unavailable,
                "cannot listen on " + host + ":" + std::to_string(port) + " for appservice transactions: " + ec.message());
  p->accept();
  p->thread = std::thread([raw = p.get()] { raw->ioc.run(); });
  return std::unique_ptr<transaction_server>(new transaction_server(std::move(p)));
}

transaction_server::transaction_server(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

transaction_server::~transaction_server() {
  impl_->ioc.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

int transaction_server::port() const noexcept { return impl_->acceptor.local_endpoint().port(); }

}  // namespace parley::matrix
