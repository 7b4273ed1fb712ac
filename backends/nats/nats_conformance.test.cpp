#include <catch2/catch.hpp>

#include "backends/nats/nats_harness.hpp"

PARLEY_CONFORMANCE_SUITE("nats", parley::nats::testing::nats_harness)
