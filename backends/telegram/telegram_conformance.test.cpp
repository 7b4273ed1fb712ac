#include <catch2/catch.hpp>

// The shared conformance suite (conformance/) against the fake Bot API.
#include "backends/telegram/telegram_harness.hpp"

PARLEY_CONFORMANCE_SUITE("telegram", parley::telegram::testing::telegram_harness)
