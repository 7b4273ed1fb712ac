#include "backends/slack/slack_message.hpp"

#include <catch2/catch.hpp>

#include <simdjson.h>

using namespace parley;
using namespace parley::slack;

namespace {

const bot_identity self{"U0BOT", "B0BOT", "parley"};

std::optional<message> read(const std::string& json) {
  static simdjson::dom::parser parser;
  simdjson::dom::object o;
  REQUIRE(parser.parse(json).get_object().get(o) == simdjson::SUCCESS);
  return to_message(o, "ctx", self);
}

}  // namespace

TEST_CASE("slack message: a human's message", "[slack][message]") {
  auto m = read(
      R"({"type":"message","user":"U0ALICE","text":"a &lt;b&gt; &amp;amp; @bob","ts":"1700000000.000100"})");
  REQUIRE(m);
  CHECK(m->topic == "ctx");
  CHECK(m->backend_msg_id == "1700000000.000100");
  CHECK(m->cursor.text == "1700000000.000100");
  CHECK(m->sender_handle == "U0ALICE");
  CHECK(m->content == "a <b> &amp; @bob");
  CHECK(m->timestamp == "2023-11-14T22:13:20.000Z");
  CHECK(m->mentions == std::vector<std::string>{"bob"});
  CHECK_FALSE(m->in_reply_to);
}

TEST_CASE("slack message: which messages count", "[slack][message]") {
  CHECK(read(
      R"({"type":"message","bot_id":"B9","subtype":"bot_message","text":"x","ts":"1.000001"})"));
  CHECK(read(
      R"({"type":"message","user":"U1","subtype":"thread_broadcast","thread_ts":"1.000000","text":"x","ts":"1.000001"})"));
  CHECK_FALSE(read(
      R"({"type":"message","user":"U1","subtype":"channel_join","text":"x","ts":"1.000001"})"));
  CHECK_FALSE(
      read(R"({"type":"message","user":"U1","subtype":"message_changed","ts":"1.000001"})"));
  CHECK_FALSE(read(R"({"type":"reaction_added","user":"U1","ts":"1.000001"})"));
  CHECK_FALSE(read(R"({"type":"message","user":"U1","text":"no ts"})"));
  CHECK_FALSE(read(R"({"type":"message","user":"U1","text":"x","ts":"1.5e9"})"));
  CHECK(read(R"({"type":"message","bot_id":"B9","text":"x","ts":"1.000001"})")->sender_handle ==
        "B9");
}

TEST_CASE("slack message: a thread reply carries its parent as in_reply_to", "[slack][message]") {
  auto reply =
      read(R"({"type":"message","user":"U1","text":"r","ts":"5.000002","thread_ts":"5.000001"})");
  REQUIRE(reply->in_reply_to);
  CHECK(*reply->in_reply_to == "5.000001");
  // A parent names its own ts as thread_ts: not a reply.
  CHECK_FALSE(
      read(R"({"type":"message","user":"U1","text":"p","ts":"5.000001","thread_ts":"5.000001"})")
          ->in_reply_to);
}

TEST_CASE("slack message: our posts give back the agent's handle and content", "[slack][message]") {
  const std::string text = handle_prefix("claude-api") + escape_text("x < y & z");
  CHECK(text == "*claude-api*: x &lt; y &amp; z");
  auto m = read(R"({"type":"message","user":"U0BOT","bot_id":"B0BOT","text":")" + text +
                R"(","ts":"1.000001"})");
  CHECK(m->sender_handle == "claude-api");
  CHECK(m->content == "x < y & z");
  // Under a username: the handle from it; a prefix only where the content needed one.
  m = read(
      R"({"type":"message","subtype":"bot_message","bot_id":"B0BOT","username":"w1","text":"*w1*: ","ts":"1.000002"})");
  CHECK(m->sender_handle == "w1");
  CHECK(m->content == "");
  m = read(
      R"({"type":"message","subtype":"bot_message","bot_id":"B0BOT","username":"w1","text":"*w2*: hi","ts":"1.000003"})");
  CHECK(m->content == "*w2*: hi");
  // A human who writes a prefix is not taken for an agent.
  m = read(R"({"type":"message","user":"U0ALICE","text":"*claude-api*: fake","ts":"1.000004"})");
  CHECK(m->sender_handle == "U0ALICE");
  CHECK(m->content == "*claude-api*: fake");
}

TEST_CASE("slack message: escaping round-trips every byte", "[slack][message]") {
  for (std::string s : {"", "&", "&amp;", "<&>", "&lt;literal&gt;", "plain", "a&&b<<c>>"})
    CHECK(unescape_text(escape_text(s)) == s);
}
