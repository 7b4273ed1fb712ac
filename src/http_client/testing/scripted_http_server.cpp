#include "src/http_client/testing/scripted_http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

namespace parley::http::testing {

namespace {

constexpr auto slice = std::chrono::milliseconds(20);

/// Waits up to one slice for `fd` to be readable; true when it is (or hung up).
bool readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(slice.count())) > 0;
}

/// Reads more bytes into `buf`; false when the peer closed or the server stops.
bool read_more(int fd, std::string& buf, const std::atomic<bool>& stopping) {
  while (!stopping.load()) {
    if (!readable(fd)) continue;
    char chunk[4096];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buf.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
  return false;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

/// Parses the head (request line and fields, without the blank line).
recorded_request parse_head(std::string_view head) {
  recorded_request r;
  auto line_end = head.find("\r\n");
  const std::string_view line = head.substr(0, line_end);
  const auto sp1 = line.find(' ');
  const auto sp2 = line.find(' ', sp1 + 1);
  r.method = std::string(line.substr(0, sp1));
  r.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  while (line_end != std::string_view::npos) {
    head.remove_prefix(line_end + 2);
    line_end = head.find("\r\n");
    const std::string_view field = head.substr(0, line_end);
    const auto colon = field.find(':');
    if (colon == std::string_view::npos) continue;
    r.headers.emplace_back(std::string(field.substr(0, colon)),
                           std::string(trim(field.substr(colon + 1))));
  }
  return r;
}

/// Reads one whole request from `fd` (`buf` keeps what follows it).
std::optional<recorded_request> read_request(int fd, std::string& buf,
                                             const std::atomic<bool>& stopping) {
  std::size_t end;
  while ((end = buf.find("\r\n\r\n")) == std::string::npos)
    if (!read_more(fd, buf, stopping)) return std::nullopt;
  recorded_request r = parse_head(std::string_view(buf).substr(0, end));
  buf.erase(0, end + 4);
  const auto length = r.header("Content-Length");
  const std::size_t want = length ? std::strtoul(std::string(*length).c_str(), nullptr, 10) : 0;
  while (buf.size() < want)
    if (!read_more(fd, buf, stopping)) return std::nullopt;
  r.body = buf.substr(0, want);
  buf.erase(0, want);
  return r;
}

std::string render(const scripted_response& r) {
  std::string out = "HTTP/1.1 " + std::to_string(r.status) + " Scripted\r\n";
  if (!r.until_close) out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  if (r.close_after || r.until_close) out += "Connection: close\r\n";
  for (const auto& [name, value] : r.headers) out += name + ": " + value + "\r\n";
  out += "\r\n";
  out += r.body;
  return out;
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

/// Closes with an RST instead of a FIN: what a crashed peer or a middlebox does.
void reset_close(int fd) {
  linger l{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  ::close(fd);
}

}  // namespace

scripted_http_server::scripted_http_server() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listen_fd_ < 0) throw std::runtime_error("scripted_http_server: socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 64) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("scripted_http_server: cannot listen on loopback");
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

scripted_http_server::~scripted_http_server() {
  stop();
}

std::string scripted_http_server::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

void scripted_http_server::push(scripted_response r) {
  std::lock_guard lock(mutex_);
  script_.push_back(std::move(r));
}

void scripted_http_server::set_default(scripted_response r) {
  std::lock_guard lock(mutex_);
  default_ = std::move(r);
}

std::vector<recorded_request> scripted_http_server::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

int scripted_http_server::connections() const {
  std::lock_guard lock(mutex_);
  return connections_;
}

void scripted_http_server::stop() {
  if (stopping_.exchange(true)) return;
  if (acceptor_.joinable()) acceptor_.join();
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(mutex_);
    workers.swap(workers_);
  }
  for (auto& w : workers) w.join();
  ::close(listen_fd_);
}

void scripted_http_server::accept_loop() {
  while (!stopping_.load()) {
    if (!readable(listen_fd_)) continue;
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    std::lock_guard lock(mutex_);
    const int id = ++connections_;
    workers_.emplace_back([this, fd, id] { serve(fd, id); });
  }
}

scripted_response scripted_http_server::next_response() {
  std::lock_guard lock(mutex_);
  if (script_.empty()) return default_;
  scripted_response r = std::move(script_.front());
  script_.pop_front();
  return r;
}

bool scripted_http_server::pause(std::chrono::milliseconds d) const {
  const auto until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until) {
    if (stopping_.load()) return false;
    std::this_thread::sleep_for(
        std::min<std::chrono::nanoseconds>(slice, until - std::chrono::steady_clock::now()));
  }
  return !stopping_.load();
}

void scripted_http_server::serve(int fd, int connection) {
  using action = scripted_response::action;
  std::string buf;
  while (auto req = read_request(fd, buf, stopping_)) {
    req->connection = connection;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(*req);
    }
    const scripted_response r = next_response();
    if (!pause(r.delay)) break;
    if (r.what == action::reset) return reset_close(fd);
    if (r.what == action::drop) break;
    if (r.what == action::hang) {
      // Until the client gives up (its read end closes) or the server stops.
      std::string ignored;
      while (read_more(fd, ignored, stopping_)) {
      }
      break;
    }
    if (!send_all(fd, render(r)) || r.close_after || r.until_close) break;
  }
  ::close(fd);
}

}  // namespace parley::http::testing
