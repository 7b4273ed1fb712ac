#include "src/oidc/http_fetch.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <thread>

using namespace parley::oidc;

namespace {

/// A loopback HTTP server that answers exactly one connection with a canned
/// response and remembers the request it read.
class one_shot_server {
 public:
  explicit one_shot_server(std::string response) : response_(std::move(response)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd_, 1) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~one_shot_server() {
    ::shutdown(fd_, SHUT_RDWR);  // wakes accept() if no client came
    thread_.join();
    ::close(fd_);
  }
  one_shot_server(const one_shot_server&) = delete;
  one_shot_server& operator=(const one_shot_server&) = delete;

  [[nodiscard]] std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  /// Valid once the fetch returned (the server thread wrote it before answering).
  [[nodiscard]] const std::string& request() const { return request_; }

 private:
  void serve() {
    const int client = ::accept(fd_, nullptr, nullptr);
    if (client < 0) return;
    char buf[4096];
    while (request_.find("\r\n\r\n") == std::string::npos) {
      const auto n = ::recv(client, buf, sizeof buf, 0);
      if (n <= 0) break;
      request_.append(buf, static_cast<std::size_t>(n));
    }
    std::size_t sent = 0;
    while (sent < response_.size()) {
      const auto n = ::send(client, response_.data() + sent, response_.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    ::close(client);
  }

  std::string response_;
  std::string request_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

std::string http_response_text(const std::string& status_line, const std::string& body,
                               const std::string& extra_headers = "") {
  return "HTTP/1.1 " + status_line +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n" + extra_headers + "\r\n" + body;
}

}  // namespace

TEST_CASE("oidc http fetch: GET from a loopback server returns status and body", "[oidc]") {
  one_shot_server server(http_response_text("200 OK", R"({"keys":[]})"));
  auto r = make_curl_fetcher()(server.url("/jwks"));
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == R"({"keys":[]})");
  CHECK(server.request().rfind("GET /jwks HTTP/1.1\r\n", 0) == 0);
  CHECK(server.request().find("Accept: application/json") != std::string::npos);
}

TEST_CASE("oidc http fetch: a non-200 status and a redirect come back as responses", "[oidc]") {
  {
    one_shot_server server(http_response_text("404 Not Found", "nope"));
    auto r = http_get(server.url("/missing"));
    REQUIRE(r);
    CHECK(r->status == 404);
    CHECK(r->body == "nope");
  }
  {
    one_shot_server server(
        http_response_text("302 Found", "", "Location: http://127.0.0.1:1/elsewhere\r\n"));
    auto r = http_get(server.url("/moved"));
    REQUIRE(r);
    CHECK(r->status == 302);  // not followed
  }
}

TEST_CASE("oidc http fetch: a body over the limit is an error", "[oidc]") {
  one_shot_server server(http_response_text("200 OK", std::string(2048, 'x')));
  fetch_limits limits;
  limits.max_body_bytes = 1024;
  auto r = http_get(server.url("/big"), limits);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == parley::errc::backend_unavailable);
  CHECK(r.error().message == "response body exceeds 1024 bytes");
}

TEST_CASE("oidc http fetch: refused URLs and unreachable hosts are errors", "[oidc]") {
  auto plain = http_get("http://idp.example.com/jwks");
  REQUIRE_FALSE(plain);
  CHECK(plain.error().message == "plain http is allowed only to a loopback host; use https");
  CHECK_FALSE(http_get("ftp://127.0.0.1/jwks"));
  CHECK_FALSE(http_get("file:///etc/passwd"));

  // A port that was free a moment ago: nothing listens there.
  int port = 0;
  {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port = ntohs(addr.sin_port);
    ::close(fd);
  }
  auto down = http_get("http://127.0.0.1:" + std::to_string(port) + "/x");
  REQUIRE_FALSE(down);
  CHECK(down.error().code == parley::errc::backend_unavailable);
  CHECK_FALSE(down.error().message.empty());
}
