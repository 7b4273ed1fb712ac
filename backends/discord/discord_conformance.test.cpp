#include <catch2/catch.hpp>

#include "backends/discord/discord_harness.hpp"
#include "conformance/cases.hpp"

// The shared suite against the fake Discord (fake/), one per test process.
// Discord refuses an empty message (400, code 50006): the harness says so,
// and the unicode case leaves that one body out.
PARLEY_CONFORMANCE_SUITE("discord", parley::discord::testing::discord_harness)
