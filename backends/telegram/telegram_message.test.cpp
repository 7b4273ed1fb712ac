#include "backends/telegram/telegram_message.hpp"

#include <catch2/catch.hpp>

using namespace parley::telegram;

namespace {

std::optional<parsed_update> update_of(simdjson::dom::parser& p, const std::string& json) {
  simdjson::dom::object o;
  REQUIRE(p.parse(json).get_object().get(o) == simdjson::SUCCESS);
  return parse_update(o);
}

}  // namespace

TEST_CASE("message: the original's mapping of a group message", "[telegram][message]") {
  simdjson::dom::parser p;
  auto u = update_of(p, R"({"update_id":10,"message":{"message_id":5,"date":1700000000,
    "from":{"id":77,"is_bot":false,"first_name":"Ann","username":"ann"},
    "chat":{"id":-1001,"type":"supergroup"},"text":"hi @bob",
    "reply_to_message":{"message_id":3,"date":1,"chat":{"id":-1001,"type":"supergroup"}}}})");
  REQUIRE(u);
  CHECK(u->update_id == 10);
  REQUIRE(u->msg);
  CHECK(u->msg->chat_id == -1001);
  CHECK(u->msg->message_id == 5);
  CHECK(u->msg->sender == "ann");
  CHECK(u->msg->ts == "2023-11-14T22:13:20.000Z");
  CHECK(u->msg->in_reply_to == "-1001:3");
  CHECK_FALSE(u->msg->thread_id);
  u->msg->topic = "ctx";
  auto m = u->msg->to_message();
  CHECK(m.backend_msg_id == "-1001:5");
  CHECK(m.cursor.text == "5");
  CHECK(m.topic == "ctx");
  CHECK(m.content == "hi @bob");
  CHECK(m.mentions == std::vector<std::string>{"bob"});
}

TEST_CASE("message: sender without username, channel posts, forum topics", "[telegram][message]") {
  simdjson::dom::parser p;
  auto noname = update_of(p, R"({"update_id":1,"message":{"message_id":1,"date":0,
    "from":{"id":77,"is_bot":false,"first_name":"Ann"},"chat":{"id":77,"type":"private"},"text":"x"}})");
  CHECK(noname->msg->sender == "77");
  auto post = update_of(p, R"({"update_id":2,"channel_post":{"message_id":9,"date":0,
    "sender_chat":{"id":-1009,"type":"channel"},"chat":{"id":-1009,"type":"channel"},"text":"news"}})");
  REQUIRE(post->msg);
  CHECK(post->msg->sender == "-1009");
  auto forum = update_of(p, R"({"update_id":3,"message":{"message_id":12,"date":0,
    "message_thread_id":7,"is_topic_message":true,"from":{"id":1,"username":"u"},
    "chat":{"id":-1002,"type":"supergroup","is_forum":true},"text":"in topic",
    "reply_to_message":{"message_id":7,"date":0,"chat":{"id":-1002,"type":"supergroup"}}}})");
  REQUIRE(forum->msg);
  CHECK(forum->msg->thread_id == 7);
  CHECK_FALSE(forum->msg->in_reply_to);  // the topic's first message is no reply
  auto reply_thread = update_of(p, R"({"update_id":4,"message":{"message_id":13,"date":0,
    "message_thread_id":12,"from":{"id":1,"username":"u"},
    "chat":{"id":-1003,"type":"supergroup"},"text":"a reply thread, not a forum topic"}})");
  CHECK_FALSE(reply_thread->msg->thread_id);
}

TEST_CASE("message: other kinds are skipped with a reason", "[telegram][message]") {
  simdjson::dom::parser p;
  auto edit = update_of(p, R"({"update_id":1,"edited_message":{"message_id":1,"date":0,
    "chat":{"id":1,"type":"private"},"text":"x"}})");
  CHECK_FALSE(edit->msg);
  CHECK(edit->skipped == "an update of kind edited_message");
  auto sticker = update_of(p, R"({"update_id":2,"message":{"message_id":2,"date":0,
    "chat":{"id":1,"type":"private"},"sticker":{"file_id":"s"}}})");
  CHECK_FALSE(sticker->msg);
  CHECK_THAT(sticker->skipped, Catch::Contains("without text"));
  auto service = update_of(p, R"({"update_id":3,"message":{"message_id":3,"date":0,
    "chat":{"id":-1,"type":"group"},"new_chat_members":[{"id":5}]}})");
  CHECK(service->skipped == "a service message");
  auto none = update_of(p, R"({"message":{"message_id":3}})");
  CHECK_FALSE(none);
}
