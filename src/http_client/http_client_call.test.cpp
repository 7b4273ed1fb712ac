// http_client::call: the shared 429, status and transport-retry rules,
// against a real loopback server.
#include "src/http_client/http_client.hpp"

#include <catch2/catch.hpp>

#include <future>
#include <thread>

#include "src/http_client/testing/scripted_http_server.hpp"

using namespace parley::http;
using parley::errc;
using testing::reply;
using testing::request_to;
using testing::scripted_http_server;
using testing::scripted_response;
using clock_type = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

/// The time `call` takes, and its result.
template <class F>
auto timed(F&& f) {
  const auto start = clock_type::now();
  auto r = f();
  return std::make_pair(std::chrono::duration_cast<milliseconds>(clock_type::now() - start),
                        std::move(r));
}

}  // namespace

TEST_CASE("http call: a 429 waits Retry-After seconds, then asks again") {
  scripted_http_server server;
  server.push(reply(429, "slow down", {{"Retry-After", "1"}}));
  server.push(reply(200, "done"));
  http_client client;
  auto [took, resp] = timed([&] { return client.call(request_to(server)); });
  REQUIRE(resp);
  CHECK(resp->body == "done");
  CHECK(took >= milliseconds(900));
  CHECK(took < milliseconds(3000));
  CHECK(server.requests().size() == 2);
}

TEST_CASE("http call: a 429 body extractor names the wait") {
  scripted_http_server server;
  server.push(reply(429, R"({"retry_after_ms":300})", {{"Retry-After", "9"}}));
  server.push(reply(200, "done"));
  http_client client;
  retry_policy p;
  p.retry_after = [](const http_response& r) -> std::optional<milliseconds> {
    if (r.body.find("retry_after_ms") == std::string::npos) return std::nullopt;
    return milliseconds(300);
  };
  auto [took, resp] = timed([&] { return client.call(request_to(server), p); });
  REQUIRE(resp);
  CHECK(took >= milliseconds(250));
  CHECK(took < milliseconds(2000));  // not the header's 9 s
}

TEST_CASE("http call: Retry-After 0 or absent waits the 500 ms default") {
  scripted_http_server server;
  server.push(reply(429, "", {{"Retry-After", "0"}}));
  server.push(reply(429, ""));
  server.push(reply(200, "done"));
  http_client client;
  auto [took, resp] = timed([&] { return client.call(request_to(server)); });
  REQUIRE(resp);
  CHECK(took >= milliseconds(900));
  CHECK(took < milliseconds(3000));
  CHECK(server.requests().size() == 3);
}

TEST_CASE("http call: a long Retry-After is capped") {
  scripted_http_server server;
  server.push(reply(429, "", {{"Retry-After", "60"}}));
  server.push(reply(200, "done"));
  http_client client;
  retry_policy p;
  p.max_429_wait = milliseconds(200);
  auto [took, resp] = timed([&] { return client.call(request_to(server), p); });
  REQUIRE(resp);
  CHECK(took >= milliseconds(150));
  CHECK(took < milliseconds(2000));
}

TEST_CASE("http call: stop() during a 429 wait fails with (disconnected) promptly") {
  scripted_http_server server;
  server.set_default(reply(429, "", {{"Retry-After", "5"}}));
  http_client client;
  auto pending = std::async(std::launch::async, [&] { return client.call(request_to(server)); });
  while (server.requests().empty()) std::this_thread::sleep_for(milliseconds(5));
  std::this_thread::sleep_for(milliseconds(100));
  const auto stopped_at = clock_type::now();
  client.stop();
  auto resp = pending.get();
  CHECK(clock_type::now() - stopped_at < milliseconds(500));
  REQUIRE_FALSE(resp);
  CHECK(resp.error().code == errc::not_connected);
  CHECK(resp.error().message == "Test GET /x → 429 (disconnected)");
}

TEST_CASE("http call: a refused status fails with label, status and body") {
  scripted_http_server server;
  server.push(reply(500, "internal \xff oops"));
  server.push(reply(403, R"({"errcode":"M_FORBIDDEN"})"));
  http_client client;
  auto a = client.call(request_to(server));
  REQUIRE_FALSE(a);
  CHECK(a.error().code == errc::backend_unavailable);
  CHECK(a.error().message == "Test GET /x → 500: internal \xef\xbf\xbd oops");
  auto b = client.call(request_to(server));
  REQUIRE_FALSE(b);
  CHECK(b.error().code == errc::bad_credentials);
  CHECK(b.error().message == R"(Test GET /x → 403: {"errcode":"M_FORBIDDEN"})");
}

TEST_CASE("http call: tokens in the URL and headers never reach the error") {
  scripted_http_server server;
  // A server that echoes what it was asked.
  server.push(reply(401,
                    "bad token 123:TOKENTOKENTOKENTOKEN in "
                    "/bot123:TOKENTOKENTOKENTOKEN/sendMessage?chat_id=QUERYSECRETQUERYSECRET "
                    "and Bearer HEADERSECRET-99"));
  http_client client;
  auto req =
      request_to(server, "/bot123:TOKENTOKENTOKENTOKEN/sendMessage?chat_id=QUERYSECRETQUERYSECRET");
  req.label = "Telegram POST sendMessage";
  req.method = "POST";
  req.headers = {{"Authorization", "Bearer HEADERSECRET-99"}};
  auto resp = client.call(req);
  REQUIRE_FALSE(resp);
  const auto& msg = resp.error().message;
  CHECK(msg.rfind("Telegram POST sendMessage → 401: ", 0) == 0);
  CHECK(msg.find("TOKEN") == std::string::npos);
  CHECK(msg.find("SECRET") == std::string::npos);
}

TEST_CASE("http call: allowed statuses come back as responses") {
  scripted_http_server server;
  server.push(reply(404, R"({"errcode":"M_NOT_FOUND"})"));
  http_client client;
  retry_policy p;
  p.allowed_statuses = {404};
  auto resp = client.call(request_to(server), p);
  REQUIRE(resp);
  CHECK(resp->status == 404);
  CHECK(resp->body == R"({"errcode":"M_NOT_FOUND"})");
}

TEST_CASE("http call: an idempotent request survives a connection reset") {
  scripted_http_server server;
  scripted_response reset;
  reset.what = scripted_response::action::reset;
  server.push(reset);
  server.push(reply(200, "second"));
  http_client client;
  auto p = retry_policy::retry_safe();
  p.transport_backoff = milliseconds(20);
  auto resp = client.call(request_to(server), p);
  REQUIRE(resp);
  CHECK(resp->body == "second");
  CHECK(server.requests().size() == 2);
}

TEST_CASE("http call: an idempotent request gives up after its attempts") {
  scripted_http_server server;
  scripted_response drop;
  drop.what = scripted_response::action::drop;
  server.set_default(drop);
  http_client client;
  auto p = retry_policy::retry_safe();
  p.transport_backoff = milliseconds(10);
  auto resp = client.call(request_to(server), p);
  REQUIRE_FALSE(resp);
  CHECK(resp.error().code == errc::backend_unavailable);
  CHECK(resp.error().message.rfind("Test GET /x → ", 0) == 0);
  CHECK(server.requests().size() == 3);
}

TEST_CASE("http call: a non-idempotent request is not sent twice") {
  scripted_http_server server;
  scripted_response reset;
  reset.what = scripted_response::action::reset;
  server.push(reset);
  server.push(reply(200, "would be a duplicate"));
  http_client client;
  auto req = request_to(server, "/send");
  req.method = "POST";
  req.body = "hello";
  auto resp = client.call(req);
  REQUIRE_FALSE(resp);
  CHECK(resp.error().code == errc::backend_unavailable);
  CHECK(server.requests().size() == 1);
}
