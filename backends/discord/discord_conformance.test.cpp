#include <catch2/catch.hpp>

#include "backends/discord/discord_harness.hpp"
#include "conformance/cases.hpp"

// The shared suite against the fake Discord (fake/), one per test process.
// One case cannot run as written: unicode_round_trips_byte_for_byte posts an
// empty message, which Discord refuses (400, code 50006); the same bodies
// without the empty one are checked in discord_backend.test.cpp.

#define PARLEY_DISCORD_CASE(NAME) PARLEY_CONFORMANCE_CASE("discord", parley::discord::testing::discord_harness, NAME)

PARLEY_DISCORD_CASE(post_then_fetch_returns_in_order)
PARLEY_DISCORD_CASE(since_is_exclusive)
PARLEY_DISCORD_CASE(since_at_tail_is_empty_and_stable)
PARLEY_DISCORD_CASE(never_posted_topic_is_empty_and_replayable)
PARLEY_DISCORD_CASE(topics_are_isolated)
PARLEY_DISCORD_CASE(block_hint_wakes_or_is_bounded)
PARLEY_DISCORD_CASE(concurrent_writers_keep_cursor_order)
PARLEY_DISCORD_CASE(limit_zero_one_and_huge)
PARLEY_DISCORD_CASE(default_window_is_newest)
PARLEY_DISCORD_CASE(malformed_since_is_a_clear_error)
PARLEY_DISCORD_CASE(live_and_fetched_ids_agree)
PARLEY_DISCORD_CASE(one_mebibyte_round_trips)
PARLEY_DISCORD_CASE(subscribe_delivers_only_newer)
PARLEY_DISCORD_CASE(disconnect_stops_delivery)
PARLEY_DISCORD_CASE(in_reply_to_round_trips)
PARLEY_DISCORD_CASE(two_subscribers_each_get_every_message_once)
PARLEY_DISCORD_CASE(other_instance_post_arrives_live)
PARLEY_DISCORD_CASE(live_delivery_is_in_cursor_order)
PARLEY_DISCORD_CASE(post_returns_the_stored_message)

TEST_CASE("conformance/discord: unicode_round_trips_byte_for_byte", "[conformance][discord]") {
  WARN("skipped: the case posts an empty message, which Discord refuses (code 50006); "
       "discord_backend.test.cpp checks the other bodies");
}
