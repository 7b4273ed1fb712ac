#include <catch2/catch.hpp>

#include "backends/xmpp/xmpp_harness.hpp"

PARLEY_CONFORMANCE_SUITE("xmpp", parley::xmpp::testing::xmpp_harness)
