#include <catch2/catch.hpp>

#include <chrono>

#include "backends/discord/discord_harness.hpp"
#include "backends/discord/testing/fake_discord.hpp"
#include "conformance/backend_calls.hpp"
#include "conformance/collecting_sink.hpp"

using namespace parley;
using namespace parley::discord::testing;
using namespace std::chrono_literals;

// Frames no Discord should send, and events the backend has no use for: each
// is skipped with a log line, the socket stays up, and the next message is
// delivered as usual.
TEST_CASE("discord bad input: garbage frames are skipped and the connection survives", "[discord][bad_input]") {
  auto& fake = shared_fake();
  auto b = connect_discord(fake_config());
  const auto t = fake.add_channel("bad-input");
  conformance::collecting_sink sink;
  auto sub = conformance::subscribe_ok(*b, t, sink);
  const long connects = fake.stat("connect");
  std::vector<std::string> posted;
  for (const char* kind : {"malformed", "big", "unknown_channel", "unknown_event"}) {
    INFO(kind);
    fake.post("gateway/raw", std::string(R"({"kind":")") + kind + R"(","size":4194304})");
    posted.push_back(fake.human_post(t, "alice", std::string("after ") + kind));
    auto got = sink.wait_for(posted.size(), 10s);
    REQUIRE(got.size() == posted.size());
    CHECK(got.back().backend_msg_id == posted.back());
  }
  CHECK(fake.stat("connect") == connects);
}

// Invalid UTF-8 in a text frame is a protocol error a WebSocket client may
// close on (1007); then the session resumes and nothing is lost or doubled.
TEST_CASE("discord bad input: invalid UTF-8 loses and duplicates nothing", "[discord][bad_input]") {
  auto& fake = shared_fake();
  auto b = connect_discord(fake_config());
  const auto t = fake.add_channel("bad-utf8");
  conformance::collecting_sink sink;
  auto sub = conformance::subscribe_ok(*b, t, sink);
  std::vector<std::string> posted{fake.human_post(t, "alice", "one")};
  fake.post("gateway/raw", R"({"kind":"invalid_utf8"})");
  posted.push_back(fake.human_post(t, "alice", "two"));
  posted.push_back(fake.human_post(t, "alice", "three"));
  auto got = sink.wait_for(posted.size(), 20s);
  std::vector<std::string> ids;
  for (const auto& m : got) ids.push_back(m.backend_msg_id);
  CHECK(ids == posted);
}
