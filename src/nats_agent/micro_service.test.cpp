#include "src/nats_agent/micro_service.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "src/nats_agent/tokens.hpp"

using namespace parley::nats_agent;

namespace {

/// The service whose observed replies docs/nats-agent-protocol.md shows ("Discovery and stats").
service_descriptor probe_echo() {
  service_descriptor s;
  s.id = "BPG82j3GGGOUUH2UwCfk1r";
  s.version = "0.0.1";
  s.description = "stand-in echo agent";
  s.metadata = {{"agent", "probe-echo"}, {"owner", "tester"}, {"protocol_version", "0.3"}};
  endpoint_descriptor prompt;
  prompt.name = "prompt";
  prompt.subject = "agents.prompt.probe-echo.tester.main";
  prompt.metadata = string_pairs{{"max_payload", "1MB"}, {"attachments_ok", "true"}};
  endpoint_descriptor status;
  status.name = "status";
  status.subject = "agents.status.probe-echo.tester.main";
  s.endpoints = {prompt, status};
  return s;
}

agent_service_options parley_options() {
  agent_service_options o;
  o.id = identity{"parley", "alice", "my-project"};
  o.instance_id = "MgH5AOI3QqrZuQ03Z4a9wl";
  o.version = "0.1.0";
  o.max_payload = 1048576;
  o.attachments_ok = true;
  return o;
}

}  // namespace

TEST_CASE("nats_agent micro: PING and INFO match the observed reference bytes", "[nats_agent]") {
  const auto s = probe_echo();
  CHECK(
      encode_ping(s) ==
      R"({"type":"io.nats.micro.v1.ping_response","name":"agents","id":"BPG82j3GGGOUUH2UwCfk1r",)"
      R"("version":"0.0.1","metadata":{"agent":"probe-echo","owner":"tester","protocol_version":"0.3"}})");
  CHECK(
      encode_info(s) ==
      R"({"type":"io.nats.micro.v1.info_response","name":"agents","id":"BPG82j3GGGOUUH2UwCfk1r",)"
      R"("version":"0.0.1","description":"stand-in echo agent","metadata":{"agent":"probe-echo",)"
      R"("owner":"tester","protocol_version":"0.3"},"endpoints":[{"subject":"agents.prompt.probe-echo.tester.main",)"
      R"("metadata":{"max_payload":"1MB","attachments_ok":"true"},"name":"prompt","queue_group":"agents"},)"
      R"({"subject":"agents.status.probe-echo.tester.main","name":"status","queue_group":"agents"}]})");
}

TEST_CASE("nats_agent micro: STATS has the reference shape plus last_error", "[nats_agent]") {
  const auto s = probe_echo();
  std::vector<endpoint_stats> stats(2);
  for (int i = 0; i < 20; ++i) stats[0].record_success(std::chrono::nanoseconds(450000));
  stats[1].record_success(std::chrono::nanoseconds(0));
  // 2026-11-21T23:17:44.692Z
  const std::int64_t started = 1795303064692;
  CHECK(
      encode_stats(s, stats, started) ==
      R"({"type":"io.nats.micro.v1.stats_response","name":"agents","id":"BPG82j3GGGOUUH2UwCfk1r",)"
      R"("version":"0.0.1","started":"2026-11-21T23:17:44.692Z","metadata":{"agent":"probe-echo",)"
      R"("owner":"tester","protocol_version":"0.3"},"endpoints":[{"name":"prompt",)"
      R"("subject":"agents.prompt.probe-echo.tester.main","average_processing_time":450000,)"
      R"("last_error":"","num_errors":0,"num_requests":20,"processing_time":9000000,)"
      R"("queue_group":"agents"},{"name":"status","subject":"agents.status.probe-echo.tester.main",)"
      R"("average_processing_time":0,"last_error":"","num_errors":0,"num_requests":1,)"
      R"("processing_time":0,"queue_group":"agents"}]})");

  stats[0].record_error(std::chrono::nanoseconds(0), 400, "bad");
  CHECK(encode_stats(s, stats, started).find(R"("last_error":"400:bad","num_errors":1)") !=
        std::string::npos);
  // Missing counters report zeros rather than reading past the vector.
  CHECK(encode_stats(s, {}, started).find(R"("num_requests":0)") != std::string::npos);
  CHECK(encode_srv_reply(srv_verb::stats, s, stats, started) == encode_stats(s, stats, started));
  CHECK(encode_srv_reply(srv_verb::ping, s, stats, started) == encode_ping(s));
  CHECK(encode_srv_reply(srv_verb::info, s, stats, started) == encode_info(s));
}

TEST_CASE("nats_agent micro: the Parley agent service descriptor", "[nats_agent]") {
  auto s = make_agent_service(parley_options());
  CHECK(s.name == "agents");
  CHECK(s.id == "MgH5AOI3QqrZuQ03Z4a9wl");
  CHECK(s.version == "0.1.0");
  CHECK(s.description == "Parley \u2014 my-project");
  CHECK(s.metadata == string_pairs{{"agent", "parley"},
                                   {"owner", "alice"},
                                   {"session", "my-project"},
                                   {"protocol_version", "0.3"}});
  REQUIRE(s.endpoints.size() == 2);
  const auto& prompt = s.endpoints[prompt_endpoint_index];
  CHECK(prompt.name == "prompt");
  CHECK(prompt.subject == "agents.prompt.parley.alice.my-project");
  CHECK(prompt.queue_group == "agents");
  CHECK(prompt.metadata == string_pairs{{"max_payload", "1MB"}, {"attachments_ok", "true"}});
  const auto& status = s.endpoints[status_endpoint_index];
  CHECK(status.name == "status");
  CHECK(status.subject == "agents.status.parley.alice.my-project");
  CHECK(status.queue_group == "agents");
  CHECK_FALSE(status.metadata);

  auto o = parley_options();
  o.max_payload = 262144;
  o.attachments_ok = false;
  s = make_agent_service(o);
  CHECK(s.endpoints[0].metadata ==
        string_pairs{{"max_payload", "256KB"}, {"attachments_ok", "false"}});
  CHECK(encode_info(s).find(R"("endpoints":[{"subject":"agents.prompt.parley.alice.my-project",)"
                            R"("metadata":{"max_payload":"256KB","attachments_ok":"false"},)"
                            R"("name":"prompt","queue_group":"agents"},{"subject":)"
                            R"("agents.status.parley.alice.my-project","name":"status",)"
                            R"("queue_group":"agents"}]})") != std::string::npos);
}

TEST_CASE("nats_agent micro: nine $SRV subjects, each matched to its verb", "[nats_agent]") {
  const auto s = make_agent_service(parley_options());
  const auto subjects = srv_subjects(s);
  CHECK(subjects == std::vector<std::string>{
                        "$SRV.PING", "$SRV.PING.agents", "$SRV.PING.agents.MgH5AOI3QqrZuQ03Z4a9wl",
                        "$SRV.INFO", "$SRV.INFO.agents", "$SRV.INFO.agents.MgH5AOI3QqrZuQ03Z4a9wl",
                        "$SRV.STATS", "$SRV.STATS.agents",
                        "$SRV.STATS.agents.MgH5AOI3QqrZuQ03Z4a9wl"});
  for (std::size_t i = 0; i < subjects.size(); ++i)
    CHECK(match_srv_subject(subjects[i], s) == static_cast<srv_verb>(i / 3));
  for (const char* other :
       {"$SRV.PING.other", "$SRV.INFO.agents.someone-else", "$SRV.PINGX", "$SRV.INFO.agents.",
        "$SRV", "agents.prompt.parley.alice.x", "$SRV.STATS.agents.MgH5AOI3QqrZuQ03Z4a9wl.x"})
    CHECK_FALSE(match_srv_subject(other, s));
}

TEST_CASE("nats_agent micro: instance ids are 22-char NUID-like and distinct", "[nats_agent]") {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const auto id = new_instance_id();
    CHECK(id.size() == 22);
    CHECK(is_valid_micro_name(id));
    CHECK(std::all_of(id.begin(), id.end(), [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }));
    seen.insert(id);
  }
  CHECK(seen.size() == 200);
}
