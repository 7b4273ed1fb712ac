#include <catch2/catch.hpp>

#include "backends/matrix/matrix_harness.hpp"

// The conformance suite against a real homeserver, when one is given:
//   PARLEY_MATRIX_URL=https://matrix.example.org PARLEY_MATRIX_SERVER_NAME=example.org
//   PARLEY_MATRIX_ACCESS_TOKEN=... (or PARLEY_MATRIX_USER + PARLEY_MATRIX_PASSWORD)
//   [PARLEY_MATRIX_SHARED_ROOM=<localpart>, default parley_conformance; "none": a room per topic]
// Without PARLEY_MATRIX_URL each case passes with a warning saying so; the
// same cases against the fake (matrix_conformance.test.cpp) never skip.

namespace {

bool live_configured() {
  if (parley::matrix::testing::live_config()) return true;
  WARN("matrix-live skipped: set PARLEY_MATRIX_URL, PARLEY_MATRIX_SERVER_NAME and PARLEY_MATRIX_ACCESS_TOKEN "
       "(or PARLEY_MATRIX_USER and PARLEY_MATRIX_PASSWORD) to run the conformance suite against a real homeserver");
  return false;
}

}  // namespace

#define PARLEY_MATRIX_LIVE_CASE(NAME)                                                   \
  TEST_CASE("conformance/matrix-live: " #NAME, "[conformance][matrix-live]") {          \
    if (!live_configured()) return;                                                     \
    parley::matrix::testing::live_matrix_harness h;                                     \
    ::parley::conformance::NAME(h);                                                     \
  }

PARLEY_MATRIX_LIVE_CASE(post_then_fetch_returns_in_order)
PARLEY_MATRIX_LIVE_CASE(since_is_exclusive)
PARLEY_MATRIX_LIVE_CASE(since_at_tail_is_empty_and_stable)
PARLEY_MATRIX_LIVE_CASE(never_posted_topic_is_empty_and_replayable)
PARLEY_MATRIX_LIVE_CASE(live_and_fetched_ids_agree)
PARLEY_MATRIX_LIVE_CASE(topics_are_isolated)
PARLEY_MATRIX_LIVE_CASE(block_hint_wakes_or_is_bounded)
PARLEY_MATRIX_LIVE_CASE(concurrent_writers_keep_cursor_order)
PARLEY_MATRIX_LIVE_CASE(unicode_round_trips_byte_for_byte)
PARLEY_MATRIX_LIVE_CASE(one_mebibyte_round_trips)
PARLEY_MATRIX_LIVE_CASE(limit_zero_one_and_huge)
PARLEY_MATRIX_LIVE_CASE(default_window_is_newest)
PARLEY_MATRIX_LIVE_CASE(malformed_since_is_a_clear_error)
PARLEY_MATRIX_LIVE_CASE(subscribe_delivers_only_newer)
PARLEY_MATRIX_LIVE_CASE(disconnect_stops_delivery)
PARLEY_MATRIX_LIVE_CASE(in_reply_to_round_trips)
PARLEY_MATRIX_LIVE_CASE(two_subscribers_each_get_every_message_once)
PARLEY_MATRIX_LIVE_CASE(other_instance_post_arrives_live)
PARLEY_MATRIX_LIVE_CASE(live_delivery_is_in_cursor_order)
PARLEY_MATRIX_LIVE_CASE(post_returns_the_stored_message)
