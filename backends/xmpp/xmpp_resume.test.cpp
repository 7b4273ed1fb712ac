// Stream management (XEP-0198) across a network cut: the connection to
// Prosody runs through a loopback proxy that the test cuts while the server
// stays up. The link must reconnect and resume the stream, so that what the
// room said meanwhile arrives live, replayed by the server, without any gap
// filling.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "backends/xmpp/xmpp_harness.hpp"
#include "conformance/backend_calls.hpp"
#include "conformance/collecting_sink.hpp"
#include "conformance/fault_kit.hpp"

using namespace std::chrono_literals;
using namespace parley;
using parley::conformance::collecting_sink;
using parley::conformance::fault::wait_until;

namespace {

/// A TCP proxy on a random loopback port to `target_port`; cut() drops
/// every connection through it (as a lost network would) and keeps
/// accepting new ones.
class tcp_proxy {
 public:
  explicit tcp_proxy(int target_port) : target_(target_port) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(listen_fd_, 16) == 0);
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~tcp_proxy() {
    stop_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    acceptor_.join();
    cut();
    for (auto& t : pumps_) t.join();
  }
  [[nodiscard]] int port() const { return port_; }
  void cut() {
    std::lock_guard lock(mu_);
    for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
  }

 private:
  void accept_loop() {
    while (!stop_) {
      const int client = ::accept(listen_fd_, nullptr, nullptr);
      if (client < 0) return;
      const int server = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      a.sin_port = htons(static_cast<std::uint16_t>(target_));
      if (::connect(server, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(client);
        ::close(server);
        continue;
      }
      std::lock_guard lock(mu_);
      fds_.push_back(client);
      fds_.push_back(server);
      pumps_.emplace_back([client, server] { pump(client, server); });
    }
  }
  static void pump(int a, int b) {
    pollfd fds[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
    char buf[65536];
    for (;;) {
      if (::poll(fds, 2, 1000) < 0) break;
      bool done = false;
      for (int i = 0; i < 2 && !done; ++i) {
        if (fds[i].revents == 0) continue;
        const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
        done = n <= 0 || ::send(fds[1 - i].fd, buf, static_cast<std::size_t>(n), MSG_NOSIGNAL) != n;
      }
      if (done) break;
    }
    ::shutdown(a, SHUT_RDWR);
    ::shutdown(b, SHUT_RDWR);
  }

  int target_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<int> fds_;
  std::vector<std::thread> pumps_;
};

}  // namespace

TEST_CASE("xmpp: a cut connection resumes its stream and hears what was said meanwhile", "[xmpp][resume]") {
  xmpp::testing::xmpp_harness h;
  const auto topic = h.fresh_topic();
  tcp_proxy proxy(h.config().port);
  auto cfg = h.config();
  cfg.port = proxy.port();
  cfg.nick = xmpp::random_nick("resumer");
  cfg.reconnect_min_ms = 50;
  cfg.reconnect_max_ms = 200;
  xmpp::xmpp_backend listener;
  REQUIRE(listener.connect(cfg).has_value());
  auto other = h.connect_backend();
  collecting_sink sink;
  auto sub = conformance::subscribe_ok(listener, topic, sink);
  conformance::post_ok(*other, topic, "before");
  REQUIRE(sink.wait_for(1, 5000ms).size() == 1);

  proxy.cut();
  // Said while the listener is cut off: the server queues it for the
  // hibernating session.
  conformance::post_ok(*other, topic, "meanwhile");
  REQUIRE(wait_until([&] { return listener.stream_resumptions() == 1; }, 10s));
  conformance::post_ok(*other, topic, "after");
  auto got = sink.wait_for(3, 5000ms);
  REQUIRE(got.size() == 3);
  CHECK(got[1].content == "meanwhile");
  CHECK(got[2].content == "after");
}

TEST_CASE("xmpp: self-pings of a room we are in find us there", "[xmpp][self-ping]") {
  xmpp::testing::xmpp_harness h;
  const auto topic = h.fresh_topic();
  auto cfg = h.config();
  cfg.nick = xmpp::random_nick("pinger");
  cfg.self_ping_ms = 100;
  xmpp::xmpp_backend listener;
  REQUIRE(listener.connect(cfg).has_value());
  collecting_sink sink;
  auto sub = conformance::subscribe_ok(listener, topic, sink);
  // A dozen self-pings: each answered as an occupant, none re-enters the
  // room or reports a gap.
  std::this_thread::sleep_for(1200ms);
  auto other = h.connect_backend();
  conformance::post_ok(*other, topic, "still here");
  REQUIRE(sink.wait_for(1, 5000ms).size() == 1);
  CHECK(sink.gaps() == 0);
}
