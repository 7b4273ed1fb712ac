#include "backends/telegram/chat_routes.hpp"

#include <catch2/catch.hpp>

using parley::telegram::chat_routes;

TEST_CASE("routes: a forum topic first, then the whole chat, else the chat id") {
  chat_routes r;
  CHECK(r.topic_of(-100, std::nullopt) == "-100");
  CHECK(r.topic_of(-100, 7) == "-100");
  r.add(-100, std::nullopt, "general");
  r.add(-100, 7, "dev");
  CHECK(r.topic_of(-100, 7) == "dev");
  CHECK(r.topic_of(-100, 8) == "general");
  CHECK(r.topic_of(-100, std::nullopt) == "general");
  CHECK(r.topic_of(42, std::nullopt) == "42");
}
