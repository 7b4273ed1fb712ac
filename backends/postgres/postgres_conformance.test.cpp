#include <catch2/catch.hpp>

#include "backends/postgres/postgres_harness.hpp"

PARLEY_CONFORMANCE_SUITE("postgres", parley::postgres::testing::postgres_harness)
