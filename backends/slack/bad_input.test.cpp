// Frames Slack should never send, and events nobody asked for: each is
// skipped with a log line; the connection (or, for a frame the WebSocket
// layer itself refuses, the session) survives and the next message arrives
// exactly once.
#include <catch2/catch.hpp>

#include <chrono>

#include "backends/slack/slack_harness.hpp"
#include "backends/slack/testing/fake_slack.hpp"
#include "conformance/backend_calls.hpp"
#include "conformance/collecting_sink.hpp"

using namespace parley;
using namespace parley::slack;
using namespace parley::slack::testing;
using namespace std::chrono_literals;

namespace {

struct listening {
  slack_harness h;
  std::unique_ptr<slack_backend> b = connect_slack(h.config());
  std::string topic = h.fresh_topic();
  conformance::collecting_sink sink;
  std::unique_ptr<subscription> sub = conformance::subscribe_ok(*b, topic, sink);

  /// Sends a bad frame of `kind`, then a human's message; true when that
  /// message (and nothing else) arrived.
  bool next_message_arrives(const std::string& kind) {
    const auto before = sink.snapshot().size();
    shared_fake().control("POST", "frame", R"({"kind":")" + kind + R"("})");
    const auto ts = shared_fake().post_as_human(topic, "after " + kind);
    auto got = sink.wait_for(before + 1, 10s);
    return got.size() == before + 1 && got.back().backend_msg_id == ts;
  }
};

}  // namespace

TEST_CASE("slack bad input: malformed frames are skipped, the connection stays", "[slack][bad_input]") {
  listening l;
  for (const char* kind : {"not_json", "json_array", "no_type", "no_payload", "unknown_type", "binary",
                           "invalid_utf8_in_json", "unknown_channel", "huge"}) {
    INFO(kind);
    CHECK(l.next_message_arrives(kind));
    CHECK(l.b->sessions() == 1);
  }
}

TEST_CASE("slack bad input: raw invalid UTF-8 in a text frame is survived", "[slack][bad_input]") {
  listening l;
  // The WebSocket layer may refuse the frame (close 1007); the session then
  // reconnects and fills the gap, so the next message still arrives once.
  CHECK(l.next_message_arrives("invalid_utf8"));
  const auto ts = shared_fake().post_as_human(l.topic, "and then");
  auto got = l.sink.wait_for(2, 10s);
  REQUIRE(got.size() == 2);
  CHECK(got[1].backend_msg_id == ts);
}

TEST_CASE("slack bad input: every envelope that names an id is acked", "[slack][bad_input]") {
  listening l;
  for (int i = 0; i < 5; ++i) conformance::post_ok(*l.b, l.topic, "m" + std::to_string(i));
  REQUIRE(l.sink.wait_for(5, 10s).size() == 5);
  REQUIRE(l.next_message_arrives("unknown_channel"));
  const auto acks = shared_fake().control("GET", "acks");
  CHECK_THAT(acks, Catch::Contains("\"unacked\": []"));
}
