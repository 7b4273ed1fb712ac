#include "backends/discord/gateway_protocol.hpp"

#include <catch2/catch.hpp>

namespace gw = parley::discord::gateway;

TEST_CASE("gateway frames are parsed, garbage is an error, not a crash", "[gateway]") {
  auto f = gw::parse_frame(R"({"op":0,"s":42,"t":"MESSAGE_CREATE","d":{"id":"1"}})");
  REQUIRE(f.has_value());
  CHECK(f->op == 0);
  CHECK(f->seq == 42);
  CHECK(f->type == "MESSAGE_CREATE");
  CHECK(parley::json::text_of(f->data(), "id") == "1");
  auto hello = gw::parse_frame(R"({"op":10,"d":{"heartbeat_interval":41250},"s":null,"t":null})");
  REQUIRE(hello.has_value());
  CHECK_FALSE(hello->seq.has_value());
  CHECK(parley::json::member<std::int64_t>(hello->data(), "heartbeat_interval") == 41250);
  for (const char* bad : {"", "{", "[1]", R"({"op":"x"})", "{\"op\":0,\"d\":\"\xff\xfe\"}", "null"})
    CHECK_FALSE(gw::parse_frame(bad).has_value());
}

TEST_CASE("heartbeat, IDENTIFY and RESUME frames", "[gateway]") {
  CHECK(gw::heartbeat_frame(std::nullopt) == R"({"op":1,"d":null})");
  CHECK(gw::heartbeat_frame(7) == R"({"op":1,"d":7})");
  CHECK(gw::identify_frame("tok") ==
        R"({"op":2,"d":{"token":"tok","intents":33281,"properties":{"os":"linux","browser":"parley","device":"parley"}}})");
  CHECK(gw::resume_frame("tok", "abc", 9) == R"({"op":6,"d":{"token":"tok","session_id":"abc","seq":9}})");
}

TEST_CASE("the gateway url gets the version and encoding", "[gateway]") {
  CHECK(gw::connect_url("wss://gateway.discord.gg") == "wss://gateway.discord.gg/?v=10&encoding=json");
  CHECK(gw::connect_url("ws://127.0.0.1:5/gateway") == "ws://127.0.0.1:5/gateway?v=10&encoding=json");
  CHECK(gw::connect_url("ws://h/g?v=10") == "ws://h/g?v=10");
}

TEST_CASE("terminal close codes stop reconnecting, others resume or identify", "[gateway]") {
  for (std::uint16_t code : {4004, 4010, 4011, 4012, 4013, 4014}) {
    CHECK(gw::classify_close(code) == gw::after_close::stop);
    CHECK_FALSE(gw::terminal_reason(code).empty());
  }
  CHECK_THAT(gw::terminal_reason(4014), Catch::Contains("Developer Portal"));
  for (std::uint16_t code : {4000, 4001, 4002, 4003, 4005, 4008, 1006, 1011})
    CHECK(gw::classify_close(code) == gw::after_close::resume);
  for (std::uint16_t code : {4007, 4009, 1000, 1001}) CHECK(gw::classify_close(code) == gw::after_close::identify);
}

TEST_CASE("reconnect delays start with jitter alone and grow to a minute, with up to a second of jitter", "[gateway]") {
  std::mt19937_64 rng(1);
  for (int n = 0; n < 12; ++n) {
    const auto d = gw::reconnect_delay(n, rng).count();
    const long long base = n == 0 ? 0 : std::min(1000LL << std::min(n - 1, 6), 60000LL);
    CHECK(d >= base);
    CHECK(d <= base + 1000);
  }
  for (int i = 0; i < 100; ++i) {
    const auto w = gw::invalid_session_wait(rng).count();
    CHECK(w >= 1000);
    CHECK(w <= 5000);
    const auto f = gw::first_heartbeat(std::chrono::milliseconds(1000), rng).count();
    CHECK(f >= 0);
    CHECK(f < 1000);
  }
}
