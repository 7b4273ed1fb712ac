#include "src/ws_client/ws_connection.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include "tests/support/child_server.hpp"
#include "tests/support/temp_dir.hpp"

using namespace std::chrono_literals;
using parley::errc;
using parley::ws::ws_connection;
using parley::ws::ws_settings;

namespace {

/// The scripted peer (testing/ws_test_server.py) with a throwaway CA-less
/// self-signed certificate for localhost and 127.0.0.1, and one for another
/// name, made by the openssl command line.
struct peer {
  parley::testing::temp_dir dir;
  std::unique_ptr<parley::testing::child_server> server;

  peer() {
    make_cert("good", "DNS:localhost,IP:127.0.0.1");
    make_cert("wrong", "DNS:not-this-host.example");
    server = std::make_unique<parley::testing::child_server>(std::vector<std::string>{
        "/usr/bin/python3", PARLEY_WS_TEST_SERVER, "--cert", dir.file("good.pem"), "--key", dir.file("good.key"),
        "--wrong-cert", dir.file("wrong.pem"), "--wrong-key", dir.file("wrong.key")});
  }

  void make_cert(const std::string& name, const std::string& san) {
    const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=parley-test -keyout " +
                            dir.file(name + ".key") + " -out " + dir.file(name + ".pem") +
                            " -addext subjectAltName=" + san + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl could not make a test certificate");
  }

  std::string plain(const std::string& target) const {
    return "ws://127.0.0.1:" + std::to_string(server->port()) + target;
  }
  std::string tls(const std::string& host, const std::string& target) const {
    return "wss://" + host + ":" + server->extra().at(0) + target;
  }
  std::string wrong_name_tls(const std::string& target) const {
    return "wss://localhost:" + server->extra().at(1) + target;
  }
  ws_settings trusting() const {
    ws_settings s;
    s.ca_file = dir.file("good.pem");
    s.label = "test socket";
    return s;
  }
};

peer& shared_peer() {
  static peer p;
  return p;
}

std::string next(ws_connection& c) {
  auto m = c.receive(5s);
  if (!m) FAIL(m.error().message);
  if (!*m) FAIL("no message within 5 s");
  return std::move(**m);
}

/// Waits for the end and returns the receive error.
parley::error end_of(ws_connection& c) {
  for (int i = 0; i < 50; ++i) {
    auto m = c.receive(200ms);
    if (!m) return m.error();
  }
  FAIL("the connection did not end");
  return {};
}

}  // namespace

TEST_CASE("messages go both ways in order over ws://", "[ws_client]") {
  auto& p = shared_peer();
  auto c = ws_connection::open(p.plain("/echo"), p.trusting());
  REQUIRE(c);
  for (int i = 0; i < 500; ++i) REQUIRE((*c)->send("m" + std::to_string(i)));
  for (int i = 0; i < 500; ++i) REQUIRE(next(**c) == "m" + std::to_string(i));
  CHECK_FALSE((*c)->closed());
}

TEST_CASE("wss:// verifies the chain and the host name, by name and by IP address", "[ws_client]") {
  auto& p = shared_peer();
  for (const std::string host : {"localhost", "127.0.0.1"}) {
    auto c = ws_connection::open(p.tls(host, "/echo"), p.trusting());
    REQUIRE(c);
    REQUIRE((*c)->send("über ✓"));
    CHECK(next(**c) == "über ✓");
  }
}

TEST_CASE("a certificate the trust store does not vouch for is refused", "[ws_client]") {
  auto& p = shared_peer();
  ws_settings system_store_only;
  system_store_only.label = "test socket";
  auto c = ws_connection::open(p.tls("localhost", "/echo?ticket=SECRET"), system_store_only);
  REQUIRE_FALSE(c);
  CHECK(c.error().code == errc::backend_unavailable);
  CHECK_THAT(c.error().message, Catch::StartsWith("test socket → certificate refused"));
  CHECK(c.error().message.find("SECRET") == std::string::npos);
}

TEST_CASE("a trusted certificate for another host name is refused", "[ws_client]") {
  auto& p = shared_peer();
  ws_settings s = p.trusting();
  s.ca_file = p.dir.file("wrong.pem");
  auto c = ws_connection::open(p.wrong_name_tls("/echo"), s);
  REQUIRE_FALSE(c);
  CHECK_THAT(c.error().message, Catch::Contains("hostname mismatch"));
}

TEST_CASE("a refused upgrade names the status and not the ticket in the URL", "[ws_client]") {
  auto& p = shared_peer();
  auto c = ws_connection::open(p.plain("/reject?ticket=SECRET"), p.trusting());
  REQUIRE_FALSE(c);
  CHECK(c.error().message == "test socket → upgrade refused: HTTP 403");
}

TEST_CASE("an upgrade that never comes times out", "[ws_client]") {
  auto& p = shared_peer();
  ws_settings s = p.trusting();
  s.handshake_timeout = 300ms;
  const auto t0 = std::chrono::steady_clock::now();
  auto c = ws_connection::open(p.plain("/hang"), s);
  REQUIRE_FALSE(c);
  CHECK_THAT(c.error().message, Catch::Contains("timed out"));
  CHECK(std::chrono::steady_clock::now() - t0 < 3s);
}

TEST_CASE("the server's close code and reason are reported", "[ws_client]") {
  auto& p = shared_peer();
  auto c = ws_connection::open(p.plain("/close?code=4004&reason=Authentication%20failed"), p.trusting());
  REQUIRE(c);
  auto e = end_of(**c);
  CHECK(e.code == errc::not_connected);
  CHECK(e.message == "test socket → closed (4004: Authentication failed)");
  REQUIRE((*c)->closed());
  CHECK((*c)->closed()->code == 4004);
  CHECK_FALSE((*c)->send("late"));
}

TEST_CASE("a dropped socket ends the connection as 1006", "[ws_client]") {
  auto& p = shared_peer();
  auto c = ws_connection::open(p.plain("/drop"), p.trusting());
  REQUIRE(c);
  REQUIRE((*c)->send("bye"));
  end_of(**c);
  CHECK((*c)->closed()->code == 1006);
}

TEST_CASE("a socket dropped while writes are in flight ends cleanly", "[ws_client]") {
  auto& p = shared_peer();
  for (int round = 0; round < 20; ++round) {
    auto c = ws_connection::open(p.plain("/drop"), p.trusting());
    REQUIRE(c);
    const std::string chunk(16 * 1024, 'w');
    for (int i = 0; i < 2000 && (*c)->send(chunk); ++i) {
    }
    end_of(**c);
    CHECK((*c)->closed()->code == 1006);
  }
}

TEST_CASE("a 4 MB message arrives whole, and the connection goes on", "[ws_client]") {
  auto& p = shared_peer();
  auto c = ws_connection::open(p.tls("localhost", "/big?bytes=4194304"), p.trusting());
  REQUIRE(c);
  CHECK(next(**c).size() == 4194304);
  CHECK(next(**c) == "after");
}

TEST_CASE("a message over the size limit closes with 1009", "[ws_client]") {
  auto& p = shared_peer();
  ws_settings s = p.trusting();
  s.max_message_bytes = 1024;
  auto c = ws_connection::open(p.plain("/big?bytes=4096"), s);
  REQUIRE(c);
  end_of(**c);
  CHECK((*c)->closed()->code == 1009);
}

TEST_CASE("a peer that stops answering pings is declared dead", "[ws_client]") {
  auto& p = shared_peer();
  ws_settings s = p.trusting();
  s.idle_timeout = 400ms;
  auto c = ws_connection::open(p.plain("/silent"), s);
  REQUIRE(c);
  const auto t0 = std::chrono::steady_clock::now();
  end_of(**c);
  CHECK(std::chrono::steady_clock::now() - t0 < 3s);
}

TEST_CASE("close() from another thread wakes a waiting receive", "[ws_client]") {
  auto& p = shared_peer();
  auto c = ws_connection::open(p.plain("/echo"), p.trusting());
  REQUIRE(c);
  std::thread closer([&] {
    std::this_thread::sleep_for(100ms);
    (*c)->close(1000, "shutting down");
  });
  const auto t0 = std::chrono::steady_clock::now();
  auto m = (*c)->receive(10s);
  closer.join();
  CHECK_FALSE(m);
  CHECK(std::chrono::steady_clock::now() - t0 < 3s);
  CHECK((*c)->closed()->code == 1000);
}

TEST_CASE("handshake headers reach the server", "[ws_client]") {
  auto& p = shared_peer();
  ws_settings s = p.trusting();
  s.headers = {{"Authorization", "Bot abc"}};
  auto c = ws_connection::open(p.plain("/headers"), s);
  REQUIRE(c);
  const auto seen = next(**c);
  CHECK_THAT(seen, Catch::Contains(R"("Authorization": "Bot abc")"));
  CHECK_THAT(seen, Catch::Contains(R"("User-Agent": "parley")"));
}

TEST_CASE("a slow reader loses nothing: the socket waits while the queue is full", "[ws_client]") {
  auto& p = shared_peer();
  ws_settings s = p.trusting();
  s.max_queued_messages = 8;
  auto c = ws_connection::open(p.plain("/burst?n=2000&size=64"), s);
  REQUIRE(c);
  for (int i = 0; i < 2000; ++i) {
    const auto m = next(**c);
    REQUIRE(m.substr(0, m.find(':')) == std::to_string(i));
    if (i % 500 == 0) std::this_thread::sleep_for(50ms);
  }
}

TEST_CASE("only ws:// and wss:// URLs are opened", "[ws_client]") {
  auto c = ws_connection::open("https://example.com/", ws_settings{});
  REQUIRE_FALSE(c);
  CHECK(c.error().code == errc::invalid_argument);
}
