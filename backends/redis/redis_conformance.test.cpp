#include <catch2/catch.hpp>

#include "backends/redis/redis_harness.hpp"

PARLEY_CONFORMANCE_SUITE("redis", parley::redis::testing::redis_harness)
