#include <catch2/catch.hpp>

#include <chrono>

#include "backends/matrix/matrix_harness.hpp"
#include "backends/matrix/testing/fake_homeserver.hpp"
#include "conformance/collecting_sink.hpp"
#include "conformance/fault_kit.hpp"
#include "conformance/backend_calls.hpp"
#include "src/util/base64.hpp"

using namespace parley;
using namespace parley::matrix;
using namespace parley::matrix::testing;

namespace {

std::string topic_name(const char* what) { return std::string("bad-") + what + "-" + std::to_string(std::rand()); }

}  // namespace

TEST_CASE("matrix bad input: odd events are skipped or repaired, nothing else is lost", "[matrix][bad_input]") {
  auto& fake = shared_fake();
  auto b = connect_matrix(fake_config());
  const auto topic = topic_name("events");
  auto room = b->room_of(topic);
  REQUIRE(room);
  conformance::collecting_sink sink;
  auto sub = conformance::subscribe_ok(*b, topic, sink);

  const std::string text = R"({"msgtype":"m.text","body":"x"})";
  fake.inject(*room, "alice", text, R"(,"body_bytes_b64":")" + base64::encode("caf\xc3 \xff!") + "\"");
  fake.inject(*room, "alice", R"({"msgtype":"m.text"})");                       // no body
  fake.inject(*room, "alice", R"({"msgtype":"m.text","body":{"nested":1}})");   // a body that is no string
  const std::string big(64 * 1024, 'b');
  fake.inject(*room, "alice", R"({"msgtype":"m.text","body":")" + big + "\"}");
  fake.inject(*room, "alice", R"({"key":"+1"})", R"(,"type":"m.reaction")");    // not a message
  fake.inject(*room, "alice", R"({"msgtype":"m.text","body":"lone \udc80 surrogate"})");
  conformance::post_ok(*b, topic, "last");

  auto live = sink.wait_for(4, std::chrono::seconds(10));
  REQUIRE(live.size() == 4);
  CHECK(live[0].content == "caf\xEF\xBF\xBD \xEF\xBF\xBD!");
  CHECK(live[0].sender_handle == "@alice:parley.local");
  CHECK(live[1].content == big);
  CHECK(live[2].content == "lone \xEF\xBF\xBD surrogate");
  CHECK(live[3].content == "last");
  CHECK(live[3].sender_handle == b->user_id());

  auto page = conformance::fetch(*b, topic);
  REQUIRE(page);
  CHECK(page->messages == live);
  CHECK(sink.gaps() == 0);
}

TEST_CASE("matrix bad input: a /sync that is garbage or the wrong shape is survived", "[matrix][bad_input]") {
  auto& fake = shared_fake();
  conformance::fault::health_log states;
  auto b = std::make_unique<matrix_backend>();
  b->set_health_listener([&states](health h, const std::string&) { states.add(h); });
  REQUIRE(b->connect(fake_config()));
  REQUIRE(states.wait_for(health::connected, 0, std::chrono::seconds(10)));
  const auto topic = topic_name("sync");
  conformance::collecting_sink sink;
  auto sub = conformance::subscribe_ok(*b, topic, sink);
  conformance::post_ok(*b, topic, "before");
  REQUIRE(sink.wait_for(1, std::chrono::seconds(10)).size() == 1);

  // The poll in flight passed the fault queue already; the next three fail.
  fake.fault(R"({"kind":"invalid_json"})");
  fake.fault(R"({"kind":"wrong_shape"})");
  fake.fault(R"({"kind":"raw","raw_b64":")" + base64::encode("\xff\xfe garbage") + "\"}");
  fake.fault(R"({"kind":"drop"})");
  conformance::post_ok(*b, topic, "wakes the poll in flight");
  conformance::post_ok(*b, topic, "during the faults");
  auto live = sink.wait_for(3, std::chrono::seconds(20));
  REQUIRE(live.size() == 3);
  CHECK(live[1].content == "wakes the poll in flight");
  CHECK(live[2].content == "during the faults");
  auto retrying = states.wait_for(health::retrying, 0, std::chrono::seconds(10));
  REQUIRE(retrying);
  CHECK(states.wait_for(health::connected, *retrying, std::chrono::seconds(10)));
  // The subscriber heard about the interruption, so core refills from its cursor.
  CHECK(sink.gaps() >= 1);
  conformance::post_ok(*b, topic, "after");
  CHECK(sink.wait_for(4, std::chrono::seconds(10)).size() == 4);
}
