#include "backends/telegram/chat_target.hpp"

#include <catch2/catch.hpp>

using namespace parley::telegram;

TEST_CASE("chat target: a chat id, an @name or a forum topic") {
  CHECK(chat_target::parse("-1001234567890") == chat_target{"-1001234567890", std::nullopt});
  CHECK(chat_target::parse("42") == chat_target{"42", std::nullopt});
  CHECK(chat_target::parse("@parley_news") == chat_target{"@parley_news", std::nullopt});
  CHECK(chat_target::parse("-100123/7") == chat_target{"-100123", 7});
  CHECK(chat_target::parse("-100123/7")->text() == "-100123/7");
  CHECK(chat_target::parse("-100123")->numeric());
  CHECK_FALSE(chat_target::parse("@parley_news")->numeric());
  for (const char* bad : {"", "@", "general", "12a", "-100123/", "-100123/0", "-100123/-4",
                          "@a/1", "@bad name", "0", "+5", "1/2/3"})
    CHECK_FALSE(chat_target::parse(bad));
}

TEST_CASE("ids: the composite id <chat_id>:<message_id>, as the original") {
  CHECK(composite_id(-1001, 42) == "-1001:42");
  CHECK(parse_composite_id("-1001:42") == std::pair<std::int64_t, std::int64_t>{-1001, 42});
  CHECK(parse_composite_id("5:1") == std::pair<std::int64_t, std::int64_t>{5, 1});
  for (const char* bad : {"", "42", ":42", "-1001:", "-1001:0", "x:1", "1:x", "1:-3"})
    CHECK_FALSE(parse_composite_id(bad));
}

TEST_CASE("ids: the cursor is String(message_id)") {
  CHECK(parse_cursor("0") == 0);
  CHECK(parse_cursor("17") == 17);
  for (const char* bad : {"", "-1", "017", "1.5", "%%not-a-cursor%%", "1:2"})
    CHECK_FALSE(parse_cursor(bad));
}

TEST_CASE("ids: the bot id is the token's prefix, never the secret") {
  CHECK(bot_id_of("123456:ABC-def") == "123456");
  CHECK(bot_id_of("ABC") == "");
  CHECK(bot_id_of(":ABC") == "");
  CHECK(bot_id_of("12x:ABC") == "");
}
