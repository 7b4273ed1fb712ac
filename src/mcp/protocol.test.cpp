#include "src/mcp/protocol.hpp"

#include <catch2/catch.hpp>

using namespace parley::mcp;

TEST_CASE("protocol: known versions are echoed, unknown ones get our newest") {
  CHECK(negotiate_version("2025-11-25") == "2025-11-25");
  CHECK(negotiate_version("2025-06-18") == "2025-06-18");
  CHECK(negotiate_version("2025-03-26") == "2025-03-26");
  CHECK(negotiate_version("2024-11-05") == "2024-11-05");
  CHECK(negotiate_version("2099-01-01") == "2025-11-25");
  CHECK(negotiate_version("") == "2025-11-25");
}

TEST_CASE("protocol: initialize declares tools, the channel and, with a relay, permissions") {
  server_features f;
  f.version = "1.2.3";
  auto plain = initialize_result("2025-06-18", f);
  CHECK_THAT(plain, Catch::StartsWith(R"({"protocolVersion":"2025-06-18","capabilities":{"tools":{},"experimental":{"claude/channel":{}}},"serverInfo":{"name":"parley","version":"1.2.3"},"instructions":)"));
  CHECK_THAT(plain, !Catch::Contains("claude/channel/permission"));
  f.permission_relay = true;
  CHECK_THAT(initialize_result("2025-06-18", f), Catch::Contains(R"("claude/channel/permission":{})"));
  f.channel = false;
  f.permission_relay = false;
  CHECK_THAT(initialize_result("2025-06-18", f), !Catch::Contains("instructions"));
}

TEST_CASE("protocol: channel notification meta keys in order, mentions joined, optional keys omitted") {
  parley::message m;
  m.topic = "ctx";
  m.sender_handle = "bob";
  m.content = "hi @a and @b";
  m.backend_msg_id = "12";
  m.cursor = parley::cursor{"12"};
  m.mentions = {"a", "b"};
  CHECK(channel_notification(m) ==
        R"({"jsonrpc":"2.0","method":"notifications/claude/channel","params":{"content":"hi @a and @b","meta":{"topic":"ctx","sender":"bob","cursor":"12","msg_id":"12","mentions":"a,b"}}})");
  m.mentions.clear();
  m.in_reply_to = "9";
  CHECK(channel_notification(m) ==
        R"({"jsonrpc":"2.0","method":"notifications/claude/channel","params":{"content":"hi @a and @b","meta":{"topic":"ctx","sender":"bob","cursor":"12","msg_id":"12","in_reply_to":"9"}}})");
}

TEST_CASE("protocol: notices never carry a key Claude Code would drop") {
  auto n = channel_notice("x", {{"topic", "t"}, {"bad-key", "v"}, {"also bad", "v"}, {"ok_2", "v"}});
  CHECK_THAT(n, Catch::Contains(R"("meta":{"topic":"t","ok_2":"v"})"));
  CHECK_FALSE(is_meta_key(""));
  CHECK_FALSE(is_meta_key("msg-id"));
  CHECK(is_meta_key("msg_id"));
}

TEST_CASE("protocol: permission requests need a five-letter id without l") {
  auto r = decode_permission_request(R"({"request_id":"tbxkq","tool_name":"Bash","description":"List","input_preview":"{\"command\":\"ls\"}"})");
  REQUIRE(r.has_value());
  CHECK(r->tool_name == "Bash");
  CHECK(r->input_preview == R"({"command":"ls"})");
  CHECK_FALSE(decode_permission_request(R"({"request_id":"abcdl"})").has_value());
  CHECK_FALSE(decode_permission_request(R"({"request_id":"abcd"})").has_value());
  CHECK_FALSE(decode_permission_request(R"({})").has_value());
  CHECK(permission_verdict("tbxkq", true) ==
        R"({"jsonrpc":"2.0","method":"notifications/claude/channel/permission","params":{"request_id":"tbxkq","behavior":"allow"}})");
}

TEST_CASE("protocol: verdicts are yes/no plus the id, case-insensitive, nothing else") {
  auto v = parse_verdict("YES ABCDE");
  REQUIRE(v.has_value());
  CHECK(v->allow);
  CHECK(v->request_id == "abcde");
  CHECK_FALSE(parse_verdict("  n  abcde \n")->allow);
  CHECK(parse_verdict("y abcde")->allow);
  CHECK_FALSE(parse_verdict("no abcde")->allow);
  for (const char* not_verdict : {"yes", "approve abcde", "yes abcdl", "yes abcdef", "yesabcde",
                                  "yes abcde please", "maybe abcde", "yes abc1e"}) {
    INFO(not_verdict);
    CHECK_FALSE(parse_verdict(not_verdict).has_value());
  }
}
