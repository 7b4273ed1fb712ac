#include "src/http_client/http_client.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include "src/http_client/testing/scripted_http_server.hpp"

using namespace parley::http;
using parley::errc;
using testing::reply;
using testing::request_to;
using testing::scripted_http_server;
using testing::scripted_response;
using clock_type = std::chrono::steady_clock;
using std::chrono::milliseconds;

TEST_CASE("http client: a 2xx response carries status, headers and body") {
  scripted_http_server server;
  server.push(reply(201, R"({"event_id":"$1"})", {{"X-Thing", "yes"}}));
  http_client client;
  auto req = request_to(server, "/rooms/%21r%3Ae/send?x=1");
  req.method = "PUT";
  req.body = R"({"body":"hi"})";
  req.content_type = "application/json";
  req.headers = {{"Authorization", "Bearer tok"}};
  auto resp = client.send(req);
  REQUIRE(resp);
  CHECK(resp->status == 201);
  CHECK(resp->body == R"({"event_id":"$1"})");
  CHECK(resp->header("x-thing") == "yes");
  CHECK(resp->header("Content-Length") == "17");
  const auto seen = server.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].method == "PUT");
  CHECK(seen[0].target == "/rooms/%21r%3Ae/send?x=1");
  CHECK(seen[0].body == R"({"body":"hi"})");
  CHECK(seen[0].header("Content-Type") == "application/json");
  CHECK(seen[0].header("Authorization") == "Bearer tok");
  CHECK(std::string(seen[0].header("User-Agent").value_or("")).rfind("parley/", 0) == 0);
  CHECK_FALSE(seen[0].header("Expect"));
}

TEST_CASE("http client: send hands back any status; POST with an empty body says so") {
  scripted_http_server server;
  server.push(reply(503, "later"));
  server.push(reply(302, "", {{"Location", "http://elsewhere/"}}));
  http_client client;
  auto req = request_to(server);
  req.method = "POST";
  auto first = client.send(req);
  REQUIRE(first);
  CHECK(first->status == 503);
  CHECK(first->body == "later");
  auto second = client.send(request_to(server));
  REQUIRE(second);
  CHECK(second->status == 302);  // not followed
  CHECK(server.requests().size() == 2);
  CHECK(server.requests()[0].header("Content-Length") == "0");
}

TEST_CASE("http client: a body over the limit is refused") {
  scripted_http_server server;
  server.push(reply(200, std::string(4096, 'x')));
  client_settings s;
  s.max_body_bytes = 1024;
  http_client client(s);
  auto resp = client.send(request_to(server));
  REQUIRE_FALSE(resp);
  CHECK(resp.error().code == errc::backend_unavailable);
  CHECK(resp.error().message == "Test GET /x → response body exceeds 1024 bytes");
}

TEST_CASE("http client: a body of unknown length is refused once it grows too big") {
  scripted_http_server server;
  auto big = reply(200, std::string(64 * 1024, 'x'));
  big.until_close = true;
  server.push(big);
  auto small = reply(200, std::string(512, 'y'));
  small.until_close = true;
  server.push(small);
  client_settings s;
  s.max_body_bytes = 1024;
  http_client client(s);
  auto refused = client.send(request_to(server));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message == "Test GET /x → response body exceeds 1024 bytes");
  auto fits = client.send(request_to(server));
  REQUIRE(fits);
  CHECK(fits->body.size() == 512);
}

TEST_CASE("http client: malformed requests fail without naming their secrets") {
  http_client client;
  http_request req;
  req.url = "ftp://host/secret-path";
  req.label = "Test bad";
  auto bad_url = client.send(req);
  REQUIRE_FALSE(bad_url);
  CHECK(bad_url.error().code == errc::invalid_argument);
  CHECK(bad_url.error().message == "Test bad → not an http(s) URL");
  req.url = "http://127.0.0.1:1/x";
  req.headers = {{"Authorization", "Bearer sec\r\nX-Evil: 1"}};
  auto injected = client.send(req);
  REQUIRE_FALSE(injected);
  CHECK(injected.error().code == errc::invalid_argument);
  CHECK(injected.error().message.find("sec") == std::string::npos);
}

TEST_CASE("http client: a transport error names the label, never the URL") {
  int port = 0;
  {
    scripted_http_server gone;  // a port that was just free, and is closed again
    port = gone.port();
  }
  http_client client;
  http_request req;
  req.url = "http://127.0.0.1:" + std::to_string(port) + "/bot42:SECRETSECRETSECRET/getMe";
  req.label = "Telegram GET getMe";
  auto resp = client.send(req);
  REQUIRE_FALSE(resp);
  CHECK(resp.error().code == errc::backend_unavailable);
  CHECK(resp.error().message.rfind("Telegram GET getMe → ", 0) == 0);
  CHECK(resp.error().message.find("SECRET") == std::string::npos);
}

TEST_CASE("http client: sequential requests reuse one keep-alive connection") {
  scripted_http_server server;
  http_client client;
  REQUIRE(client.send(request_to(server, "/a")));
  REQUIRE(client.send(request_to(server, "/b")));
  CHECK(server.connections() == 1);
  const auto seen = server.requests();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].connection == seen[1].connection);
}

TEST_CASE("http client: four threads send at once") {
  scripted_http_server server;
  server.set_default(reply(200, "hi"));
  http_client client;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        auto resp = client.call(request_to(server), retry_policy::retry_safe());
        if (resp && resp->body == "hi") ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(ok.load() == 40);
  CHECK(server.requests().size() == 40);
  CHECK(server.connections() <= 4 + 4);  // pooled: about one per thread
}

TEST_CASE("http client: stop() ends a hanging transfer promptly") {
  scripted_http_server server;
  scripted_response hang;
  hang.what = scripted_response::action::hang;
  server.push(hang);
  http_client client;
  auto req = request_to(server, "/sync");
  req.timeout = milliseconds(30'000);
  auto pending = std::async(std::launch::async, [&] { return client.send(req); });
  while (server.requests().empty()) std::this_thread::sleep_for(milliseconds(5));
  std::this_thread::sleep_for(milliseconds(50));
  const auto stopped_at = clock_type::now();
  client.stop();
  auto resp = pending.get();
  CHECK(clock_type::now() - stopped_at < milliseconds(500));
  REQUIRE_FALSE(resp);
  CHECK(resp.error().code == errc::not_connected);
  CHECK(resp.error().message == "Test GET /sync → stopped");
  // And every later call fails at once.
  auto later = client.send(request_to(server));
  REQUIRE_FALSE(later);
  CHECK(later.error().message == "Test GET /x → stopped");
  CHECK(server.requests().size() == 1);
}

TEST_CASE("http client: the request timeout bounds a slow server") {
  scripted_http_server server;
  scripted_response slow = reply(200, "late");
  slow.delay = milliseconds(2000);
  server.push(slow);
  http_client client;
  auto req = request_to(server);
  req.timeout = milliseconds(200);
  const auto start = clock_type::now();
  auto resp = client.send(req);
  CHECK(clock_type::now() - start < milliseconds(1500));
  REQUIRE_FALSE(resp);
  CHECK(resp.error().code == errc::backend_unavailable);
  CHECK(resp.error().message.rfind("Test GET /x → ", 0) == 0);
}
