#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>

#include "backends/slack/slack_harness.hpp"
#include "conformance/backend_calls.hpp"
#include "conformance/collecting_sink.hpp"

// Against a real Slack workspace, when credentials are given:
//   PARLEY_SLACK_BOT_TOKEN=xoxb-... PARLEY_SLACK_APP_TOKEN=xapp-...
//   PARLEY_SLACK_CHANNEL=C0123ABCD   (a channel the bot is in: the smoke test)
// The conformance cases make a fresh channel per topic (the bot needs
// channels:manage besides the scopes in README.md). Without the tokens each
// case passes with a warning saying so; the same cases against the fake
// (slack_conformance.test.cpp) never skip.

using namespace std::chrono_literals;

namespace {

bool live_configured() {
  if (parley::slack::testing::live_config()) return true;
  WARN(
      "slack-live skipped: set PARLEY_SLACK_BOT_TOKEN and PARLEY_SLACK_APP_TOKEN (and "
      "PARLEY_SLACK_CHANNEL) to "
      "run against a real workspace");
  return false;
}

}  // namespace

#define PARLEY_SLACK_LIVE_CASE(NAME)                                         \
  TEST_CASE("conformance/slack-live: " #NAME, "[conformance][slack-live]") { \
    if (!live_configured()) return;                                          \
    parley::slack::testing::live_slack_harness h;                            \
    ::parley::conformance::NAME(h);                                          \
  }

PARLEY_SLACK_LIVE_CASE(post_then_fetch_returns_in_order)
PARLEY_SLACK_LIVE_CASE(since_is_exclusive)
PARLEY_SLACK_LIVE_CASE(since_at_tail_is_empty_and_stable)
PARLEY_SLACK_LIVE_CASE(never_posted_topic_is_empty_and_replayable)
PARLEY_SLACK_LIVE_CASE(live_and_fetched_ids_agree)
PARLEY_SLACK_LIVE_CASE(topics_are_isolated)
PARLEY_SLACK_LIVE_CASE(block_hint_wakes_or_is_bounded)
PARLEY_SLACK_LIVE_CASE(concurrent_writers_keep_cursor_order)
PARLEY_SLACK_LIVE_CASE(unicode_round_trips_byte_for_byte)
PARLEY_SLACK_LIVE_CASE(one_mebibyte_round_trips)
PARLEY_SLACK_LIVE_CASE(limit_zero_one_and_huge)
PARLEY_SLACK_LIVE_CASE(default_window_is_newest)
PARLEY_SLACK_LIVE_CASE(malformed_since_is_a_clear_error)
PARLEY_SLACK_LIVE_CASE(subscribe_delivers_only_newer)
PARLEY_SLACK_LIVE_CASE(disconnect_stops_delivery)
PARLEY_SLACK_LIVE_CASE(in_reply_to_round_trips)
PARLEY_SLACK_LIVE_CASE(two_subscribers_each_get_every_message_once)
PARLEY_SLACK_LIVE_CASE(other_instance_post_arrives_live)
PARLEY_SLACK_LIVE_CASE(live_delivery_is_in_cursor_order)
PARLEY_SLACK_LIVE_CASE(post_returns_the_stored_message)

TEST_CASE("slack-live: post, catch up, live delivery and a thread reply in $PARLEY_SLACK_CHANNEL",
          "[slack-live]") {
  const char* channel = std::getenv("PARLEY_SLACK_CHANNEL");
  if (!live_configured()) return;
  if (channel == nullptr || *channel == '\0') {
    WARN("slack-live smoke test skipped: set PARLEY_SLACK_CHANNEL to a channel the bot is in");
    return;
  }
  auto cfg = *parley::slack::testing::live_config();
  cfg.channel_map["smoke"] = channel;
  auto b = parley::slack::testing::connect_slack(cfg);
  auto tail = parley::conformance::fetch(*b, "smoke");
  REQUIRE(tail);
  parley::conformance::collecting_sink sink;
  auto sub = parley::conformance::subscribe_ok(*b, "smoke", sink);
  const auto root =
      parley::conformance::post_ok(*b, "smoke", "parley live test: root", "parley-live");
  auto reply = b->post({"smoke", "parley-live", "parley live test: reply", root});
  REQUIRE(reply);
  auto live = sink.wait_for(2, 15s);
  REQUIRE(live.size() == 2);
  CHECK(live[0].backend_msg_id == root);
  CHECK(live[1] == reply->msg);
  auto since = parley::conformance::fetch(*b, "smoke", tail->next_cursor.text);
  REQUIRE(since);
  REQUIRE(since->messages.size() >= 2);
  CHECK(since->messages[since->messages.size() - 1] == reply->msg);
  auto thread = b->thread_replies("smoke", root);
  REQUIRE(thread);
  REQUIRE(thread->size() == 1);
  CHECK((*thread)[0].content == "parley live test: reply");
}
