#pragma once

#include "conformance/harness.hpp"

/// The backend contract (src/seam/backend.hpp), executable. Each function is
/// one case; PARLEY_CONFORMANCE_SUITE turns them into named Catch2 test cases
/// for one backend, so `ctest -N` lists every case per backend.
namespace parley::conformance {

// The original Parley's eight cases.
void post_then_fetch_returns_in_order(harness& h);
void since_is_exclusive(harness& h);
void since_at_tail_is_empty_and_stable(harness& h);
void never_posted_topic_is_empty_and_replayable(harness& h);
void live_and_fetched_ids_agree(harness& h);
void topics_are_isolated(harness& h);
void block_hint_wakes_or_is_bounded(harness& h);
void concurrent_writers_keep_cursor_order(harness& h);

// Ours.
void unicode_round_trips_byte_for_byte(harness& h);
void one_mebibyte_round_trips(harness& h);
void limit_zero_one_and_huge(harness& h);
void default_window_is_newest(harness& h);
void malformed_since_is_a_clear_error(harness& h);
void subscribe_delivers_only_newer(harness& h);
void disconnect_stops_delivery(harness& h);
void in_reply_to_round_trips(harness& h);
void two_subscribers_each_get_every_message_once(harness& h);
void other_instance_post_arrives_live(harness& h);
void live_delivery_is_in_cursor_order(harness& h);
void post_returns_the_stored_message(harness& h);

}  // namespace parley::conformance

#define PARLEY_CONFORMANCE_CASE(SUITE, HARNESS, NAME)                          \
  TEST_CASE("conformance/" SUITE ": " #NAME, "[conformance][" SUITE "]") {  \
    HARNESS h;                                                                 \
    ::parley::conformance::NAME(h);                                            \
  }

/// Instantiates every conformance case for a backend. `HARNESS` must be
/// default-constructible; SUITE is a string literal naming the backend.
#define PARLEY_CONFORMANCE_SUITE(SUITE, HARNESS)                                       \
  PARLEY_CONFORMANCE_CASE(SUITE, HARNESS, post_then_fetch_returns_in_order)            \
  PARLEY_CONFORMANCE_CASE(SUITE, HARNESS, since_is_exclusive)                          \
  PARLEY_CONFORMANCE_CASE(SUITE, HARNESS, since_at_tail_is_empty_and_stable)           \
  PARLEY_CONFORMANCE_CASE(SUITE, HARNESS, never_posted_topic_is_empty_and_replayable)  \
  PARLEY_CONFORMANCE_CASE(SUITE, HARNESS, live_and_fetched_ids_agree)                  \
  PARLEY_CONFORMANCE_CASE(SUITE, HARNESS, topics_are_isolated)                         \
  PARLEY_CONFORMANCE_CASE(SUITE, HARNESS, block_hint_wakes_or_is_bounded)              \
  PARLEY_CONFORMANCE_CASE(SUITE, HARNESS, concurrent_writers_keep_cursor_order)        \
  PARLEY_CONFORMANCE_CASE(SUITE, HARNESS, unicode_round_trips_byte_for_byte)           \
  PARLEY_CONFORMANCE_CASE(SUITE, HARNESS, one_mebibyte_round_trips)                    \
  PARLEY_CONFORMANCE_CASE(SUITE, HARNESS, limit_zero_one_and_huge)                     \
  PARLEY_CONFORMANCE_CASE(SUITE, HARNESS, default_window_is_newest)                    \
  PARLEY_CONFORMANCE_CASE(SUITE, HARNESS, malformed_since_is_a_clear_error)            \
  PARLEY_CONFORMANCE_CASE(SUITE, HARNESS, subscribe_delivers_only_newer)               \
  PARLEY_CONFORMANCE_CASE(SUITE, HARNESS, disconnect_stops_delivery)                   \
  PARLEY_CONFORMANCE_CASE(SUITE, HARNESS, in_reply_to_round_trips)                     \
  PARLEY_CONFORMANCE_CASE(SUITE, HARNESS, two_subscribers_each_get_every_message_once) \
  PARLEY_CONFORMANCE_CASE(SUITE, HARNESS, other_instance_post_arrives_live)            \
  PARLEY_CONFORMANCE_CASE(SUITE, HARNESS, live_delivery_is_in_cursor_order)            \
  PARLEY_CONFORMANCE_CASE(SUITE, HARNESS, post_returns_the_stored_message)
