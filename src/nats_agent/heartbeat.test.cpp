#include "src/nats_agent/heartbeat.hpp"

#include <catch2/catch.hpp>

using namespace parley::nats_agent;

namespace {

// 2026-11-21T23:18:24.491Z
constexpr std::int64_t now = 1795303104491;

}  // namespace

TEST_CASE("nats_agent heartbeat: exact fields in the TS SDK's order", "[nats_agent]") {
  heartbeat hb;
  hb.agent = "probe-echo";
  hb.owner = "tester";
  hb.instance_id = "MgH5AOI3QqrZuQ03Z4a9wl";
  hb.interval_s = 1;
  CHECK(encode_heartbeat(hb, now) ==
        R"({"agent":"probe-echo","owner":"tester","instance_id":"MgH5AOI3QqrZuQ03Z4a9wl",)"
        R"("ts":"2026-11-21T23:18:24.491Z","interval_s":1})");

  const auto ours = make_heartbeat(identity{"parley", "alice", "my-project"}, "ID1", 5);
  CHECK(ours.session == "my-project");
  CHECK(encode_heartbeat(ours, now) ==
        R"({"agent":"parley","owner":"alice","instance_id":"ID1","ts":"2026-11-21T23:18:24.491Z",)"
        R"("interval_s":5,"session":"my-project"})");
}

TEST_CASE("nats_agent heartbeat: status reply is the heartbeat plus session state",
          "[nats_agent]") {
  const auto hb = make_heartbeat(identity{"parley", "alice", "main"}, "ID1", 5);
  session_state idle;
  idle.handle = "alice";
  idle.topics = {"ctx", "reviews"};
  CHECK(encode_status(hb, idle, now) ==
        R"({"agent":"parley","owner":"alice","instance_id":"ID1","ts":"2026-11-21T23:18:24.491Z",)"
        R"("interval_s":5,"session":"main","state":"idle","queue_length":0,"handle":"alice",)"
        R"("topics":["ctx","reviews"]})");
  session_state busy;
  busy.busy = true;
  busy.queue_length = 2;
  busy.handle = "bob";
  const auto s = encode_status(hb, busy, now);
  CHECK(s.rfind(encode_heartbeat(hb, now).substr(0, encode_heartbeat(hb, now).size() - 1), 0) == 0);
  CHECK(s.find(R"("state":"busy","queue_length":2,"handle":"bob","topics":[])") !=
        std::string::npos);
}
