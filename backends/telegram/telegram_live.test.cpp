// Against Telegram itself, when $PARLEY_TELEGRAM_TOKEN and
// $PARLEY_TELEGRAM_CHAT (a chat the bot is in) are set; skipped otherwise.
#include <catch2/catch.hpp>

#include "backends/telegram/telegram_harness.hpp"
#include "conformance/backend_calls.hpp"
#include "conformance/collecting_sink.hpp"

using namespace parley;
using namespace parley::telegram::testing;

TEST_CASE("telegram live: post, history and identity on a real bot", "[telegram][live]") {
  parley::testing::temp_dir dir;
  auto cfg = live_config(dir.file("live.db"));
  if (!cfg) {
    WARN("PARLEY_TELEGRAM_TOKEN and PARLEY_TELEGRAM_CHAT are not set: live Telegram case skipped");
    return;
  }
  auto b = connect_telegram(*cfg);
  INFO("bot @" << b->self().username);
  if (!b->self().can_read_all_group_messages)
    WARN("the bot is in privacy mode: humans' group messages will not arrive");
  auto first = b->post({"live", "parley-test", "parley live test: first", std::nullopt});
  REQUIRE(first);
  auto reply = b->post({"live", "parley-test", "parley live test: a reply", first->msg.backend_msg_id});
  REQUIRE(reply);
  CHECK(reply->msg.in_reply_to == first->msg.backend_msg_id);
  auto p = b->fetch_recent({"live", first->msg.cursor, 10});
  REQUIRE(p);
  REQUIRE_FALSE(p->messages.empty());
  CHECK(p->messages.front().backend_msg_id == reply->msg.backend_msg_id);
  CHECK(b->resolve_identity(b->self().username)->backend_ref == std::to_string(b->self().id));
}
