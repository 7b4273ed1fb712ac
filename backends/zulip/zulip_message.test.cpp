#include "backends/zulip/zulip_message.hpp"

#include <catch2/catch.hpp>

using namespace parley;
using namespace parley::zulip;

namespace {

std::optional<message> map_json(const std::string& json, const std::string& topic = "") {
  static simdjson::dom::parser parser;
  simdjson::dom::object obj;
  REQUIRE(parser.parse(json).get_object().get(obj) == simdjson::SUCCESS);
  return to_message(obj, topic);
}

}  // namespace

TEST_CASE("zulip message: the original's mapping", "[zulip][message]") {
  auto m = map_json(R"({"id":1234,"type":"stream","sender_email":"alice@example.com","sender_id":9,
      "display_recipient":"parley","subject":"ctx","content":"**raw** @bob","timestamp":1700000000})");
  REQUIRE(m);
  CHECK(m->backend_msg_id == "1234");
  CHECK(m->cursor.text == "1234");
  CHECK(m->sender_handle == "alice@example.com");
  CHECK(m->content == "**raw** @bob");
  CHECK(m->timestamp == "2023-11-14T22:13:20.000Z");
  CHECK(m->topic == "ctx");
  CHECK(m->mentions == std::vector<std::string>{"bob"});
  CHECK_FALSE(m->in_reply_to);
  CHECK(map_json(R"({"id":1,"type":"stream","sender_email":"a","subject":"CTX","content":"","timestamp":1})",
                 "ctx")->topic == "ctx");
}

TEST_CASE("zulip message: what does not map", "[zulip][message]") {
  CHECK_FALSE(map_json(R"({"id":5,"type":"private","sender_email":"a","content":"x","timestamp":1})"));
  CHECK_FALSE(map_json(R"({"type":"stream","sender_email":"a","content":"x","timestamp":1})"));
  CHECK_FALSE(map_json(R"({"id":0,"type":"stream","sender_email":"a","content":"x","timestamp":1})"));
  CHECK_FALSE(map_json(R"({"id":5,"type":"stream","content":"x","timestamp":1})"));
  CHECK_FALSE(map_json(R"({"id":5,"type":"stream","sender_email":"a","content":"x"})"));
  CHECK_FALSE(map_json(R"({"id":"5","type":"stream","sender_email":"a","content":"x","timestamp":1})"));
}

TEST_CASE("zulip message: narrows in both forms", "[zulip][message]") {
  CHECK(history_narrow("parley", std::string("ctx")) ==
        R"([{"operator":"stream","operand":"parley"},{"operator":"topic","operand":"ctx"}])");
  CHECK(history_narrow("parley", std::nullopt) == R"([{"operator":"stream","operand":"parley"}])");
  CHECK(queue_narrow("parley", std::string("c\"x")) == R"([["stream","parley"],["topic","c\"x"]])");
  CHECK(queue_narrow("s", std::nullopt) == R"([["stream","s"]])");
}

TEST_CASE("zulip message: ids and topics", "[zulip][message]") {
  CHECK(parse_id("0") == 0u);
  CHECK(parse_id("1234") == 1234u);
  CHECK_FALSE(parse_id(""));
  CHECK_FALSE(parse_id("01"));
  CHECK_FALSE(parse_id("-1"));
  CHECK_FALSE(parse_id("12a"));
  CHECK_FALSE(parse_id("%%not-a-cursor%%"));
  CHECK_FALSE(parse_id("12345678901234567890"));
  CHECK(same_topic("Deploy", "deploy"));
  CHECK_FALSE(same_topic("deploy", "deploys"));
}
