#include "src/mcp/tools.hpp"

#include <catch2/catch.hpp>

using namespace parley::mcp;

namespace {
parley::topic_allowlist make_allow(std::vector<std::string> topics, std::vector<std::string> patterns = {}) {
  auto a = parley::topic_allowlist::make(std::move(topics), std::move(patterns), "parley-presence");
  REQUIRE(a.has_value());
  return std::move(*a);
}
}  // namespace

TEST_CASE("tools: the four tools, with an enum for a closed allowlist") {
  auto list = tools_list(make_allow({"ctx", "ctx-reviews"}));
  for (auto name : {"parley_fetch_recent", "parley_post", "parley_reply", "parley_list_users"})
    CHECK_THAT(list, Catch::Contains("\"name\":\"" + std::string(name) + "\""));
  CHECK_THAT(list, Catch::Contains(R"("enum":["ctx","ctx-reviews"])"));
  CHECK_THAT(list, Catch::Contains(R"(Configured topics: \"ctx\", \"ctx-reviews\".)"));
}

TEST_CASE("tools: patterns open the topic schema to any string and are described") {
  auto list = tools_list(make_allow({"ctx"}, {"ctx-.*"}));
  CHECK_THAT(list, !Catch::Contains("\"enum\""));
  CHECK_THAT(list, Catch::Contains(R"(Also allowed (post/fetch only): any topic fully matching regex \"ctx-.*\".)"));
}

TEST_CASE("tools: arguments are decoded and typed") {
  auto f = decode_tool_call(R"({"name":"parley_fetch_recent","arguments":{"topic":"ctx","since":"4","limit":10,"block_ms":0}})");
  REQUIRE(f.ok());
  auto& fa = std::get<fetch_recent_args>(f.args);
  CHECK(fa.topic == "ctx");
  CHECK(fa.since == "4");
  CHECK(fa.limit == 10);
  CHECK(fa.block_ms == 0);
  auto r = decode_tool_call(R"({"name":"parley_reply","arguments":{"topic":"ctx","content":"","in_reply_to":"4"}})");
  REQUIRE(r.ok());
  CHECK(std::get<post_args>(r.args).reply);
  CHECK(std::get<post_args>(r.args).content.empty());
  auto l = decode_tool_call(R"({"name":"parley_list_users"})");
  REQUIRE(l.ok());
  CHECK_FALSE(std::get<list_users_args>(l.args).online_only);
}

TEST_CASE("tools: bad arguments become a message for the model") {
  CHECK(decode_tool_call(R"({"name":"parley_post","arguments":{"topic":"ctx"}})").error ==
        "Invalid arguments: missing required argument 'content'");
  CHECK(decode_tool_call(R"({"name":"parley_post","arguments":{"topic":5,"content":"x"}})").error ==
        "Invalid arguments: argument 'topic' must be a string");
  CHECK(decode_tool_call(R"({"name":"parley_fetch_recent","arguments":{"topic":"t","limit":0}})").error ==
        "Invalid arguments: argument 'limit' must be >= 1");
  CHECK(decode_tool_call(R"({"name":"parley_fetch_recent","arguments":{"topic":"t","limit":"5"}})").error ==
        "Invalid arguments: argument 'limit' must be an integer");
  CHECK(decode_tool_call(R"({"name":"parley_fetch_recent","arguments":{"topic":"t","limit":2.5}})").error ==
        "Invalid arguments: argument 'limit' must be an integer");
  CHECK(decode_tool_call(R"({"name":"parley_fetch_recent","arguments":{"topic":"t","limit":2.0}})").ok());
  CHECK(decode_tool_call(R"({"name":"nope","arguments":{}})").error == "MCP error -32602: Tool nope not found");
  CHECK(decode_tool_call(R"({"name":"parley_list_users","arguments":{"filter":")" + std::string(257, '*') + R"("}})").error ==
        "Invalid arguments: argument 'filter' must be at most 256 characters");
}

TEST_CASE("tools: results are one text item of 2-space JSON") {
  parley::page p;
  parley::message m;
  m.topic = "t";
  m.sender_handle = "a";
  m.content = "x";
  m.timestamp = "2026-01-01T00:00:00.000Z";
  m.backend_msg_id = "1";
  m.cursor = parley::cursor{"1"};
  p.messages.push_back(m);
  p.next_cursor = parley::cursor{"1"};
  CHECK(render_page(p) ==
        "{\n  \"messages\": [\n    {\n      \"topic\": \"t\",\n      \"senderHandle\": \"a\",\n      \"content\": \"x\",\n"
        "      \"timestamp\": \"2026-01-01T00:00:00.000Z\",\n      \"backendMsgId\": \"1\",\n      \"cursor\": \"1\",\n"
        "      \"mentions\": []\n    }\n  ],\n  \"nextCursor\": \"1\"\n}");
  CHECK(render_post("5") == "{\n  \"backendMsgId\": \"5\"\n}");
  CHECK(tool_result("{}") == R"({"content":[{"type":"text","text":"{}"}]})");
  CHECK(tool_error("boom") == R"({"content":[{"type":"text","text":"boom"}],"isError":true})");
  CHECK(topic_not_allowed("x") == R"(topic not allowed: "x")");
}
