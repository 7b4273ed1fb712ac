#include <catch2/catch.hpp>

#include "backends/zulip/zulip_harness.hpp"

// Against the fake Zulip (fake/), one per test process: never skipped.
// A queue per subscribed topic, as the original registers them.
PARLEY_CONFORMANCE_SUITE("zulip", parley::zulip::testing::zulip_harness)

// all_topics: one queue per stream feeds every topic.
PARLEY_CONFORMANCE_SUITE("zulip-all-topics", parley::zulip::testing::wildcard_harness)
