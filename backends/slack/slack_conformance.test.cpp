#include <catch2/catch.hpp>

#include "backends/slack/slack_harness.hpp"

// Against the fake Slack (fake/), one per test process: never skipped.
// Handles shown as a bold prefix (a bot token without chat:write.customize).
PARLEY_CONFORMANCE_SUITE("slack", parley::slack::testing::slack_harness)

// The same suite with chat:write.customize: handles shown as `username`.
PARLEY_CONFORMANCE_SUITE("slack-username", parley::slack::testing::username_harness)
