#include "src/nats_agent/control_plane.hpp"

#include <catch2/catch.hpp>

using namespace parley::nats_agent;

namespace {

control_request ok(std::string_view payload) {
  auto r = decode_control_request(payload);
  if (!r) FAIL("rejected: " << encode_control_error(r.error()));
  return *r;
}

std::string error_json(std::string_view payload) {
  auto r = decode_control_request(payload);
  if (r) FAIL("accepted: " << std::string(payload));
  return encode_control_error(r.error());
}

}  // namespace

TEST_CASE("nats_agent control: list, inspect and stop requests", "[nats_agent]") {
  auto r = ok(R"({"sessionMode":"list"})");
  CHECK(r.mode == control_mode::list);
  CHECK(r.session_id.empty());
  CHECK(ok(R"({"sessionMode":"list","sessionId":"ignored"})").session_id.empty());
  r = ok(R"({"sessionMode":"inspect","sessionId":"main"})");
  CHECK(r.mode == control_mode::inspect);
  CHECK(r.session_id == "main");
  r = ok(R"( {"sessionMode":"stop","sessionId":"main-2","extra":1} )");
  CHECK(r.mode == control_mode::stop);
  CHECK(r.session_id == "main-2");
}

TEST_CASE("nats_agent control: nats-pi-bridge's error objects", "[nats_agent]") {
  CHECK(error_json("not json").rfind(R"({"error":"invalid_json","message":")", 0) == 0);
  CHECK(error_json("").rfind(R"({"error":"invalid_json","message":")", 0) == 0);
  CHECK(error_json(R"(["list"])") ==
        R"({"error":"invalid_request","message":"request must be a JSON object"})");
  CHECK(error_json(R"({})") == R"({"error":"invalid_request","message":"sessionMode required"})");
  CHECK(error_json(R"({"sessionMode":null})") ==
        R"({"error":"invalid_request","message":"sessionMode required"})");
  CHECK(error_json(R"({"sessionMode":3})") ==
        R"({"error":"invalid_request","message":"sessionMode must be a string"})");
  CHECK(error_json(R"({"sessionMode":"explode"})") ==
        R"({"error":"invalid_sessionMode","sessionMode":"explode"})");
  // nats-pi-bridge's spawning modes are not offered by Parley.
  CHECK(error_json(R"({"sessionMode":"run","body":"x","cwd":"/tmp"})") ==
        R"({"error":"invalid_sessionMode","sessionMode":"run"})");
  CHECK(error_json(R"({"sessionMode":"stop"})") ==
        R"({"error":"missing_fields","required":["sessionId"]})");
  CHECK(error_json(R"({"sessionMode":"inspect","sessionId":""})") ==
        R"({"error":"missing_fields","required":["sessionId"]})");
  CHECK(error_json(R"({"sessionMode":"inspect","sessionId":7})") ==
        R"({"error":"invalid_request","message":"sessionId must be a string"})");
  CHECK(encode_control_error(not_found_error("ghost")) ==
        R"({"error":"not_found","sessionId":"ghost"})");
  CHECK(encode_control_error(shutting_down_error()) == R"({"error":"shutting_down"})");
  CHECK(to_string(control_error_code::invalid_session_mode) == "invalid_sessionMode");
}

TEST_CASE("nats_agent control: list, inspect and stop replies", "[nats_agent]") {
  session_summary s;
  s.session_id = "main";
  s.agent = "parley";
  s.owner = "alice";
  s.instance_id = "ID1";
  s.subject = "agents.prompt.parley.alice.main";
  s.status_subject = "agents.status.parley.alice.main";
  s.heartbeat_subject = "agents.hb.parley.alice.main";
  s.state.busy = true;
  s.state.queue_length = 1;
  s.state.handle = "alice";
  s.state.topics = {"ctx"};
  s.created_epoch_ms = 1795303064692;
  s.last_activity_epoch_ms = 1795303104491;
  const std::string summary =
      R"({"sessionId":"main","handle":"alice","agent":"parley","owner":"alice","instanceId":"ID1",)"
      R"("subject":"agents.prompt.parley.alice.main","statusSubject":"agents.status.parley.alice.main",)"
      R"("heartbeatSubject":"agents.hb.parley.alice.main","state":"busy","queueLength":1,)"
      R"("topics":["ctx"],"createdAt":"2026-11-21T23:17:44.692Z","lastActivity":"2026-11-21T23:18:24.491Z"})";
  CHECK(encode_session_list({s}) == R"({"sessions":[)" + summary + "]}");
  CHECK(encode_session_list({}) == R"({"sessions":[]})");
  CHECK(encode_session_inspect(s) == R"({"session":)" + summary + "}");
  CHECK(encode_stop_result("main") == R"({"ok":true,"sessionId":"main"})");
}
