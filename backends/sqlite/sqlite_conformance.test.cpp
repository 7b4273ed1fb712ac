#include <catch2/catch.hpp>

#include "backends/sqlite/sqlite_harness.hpp"

PARLEY_CONFORMANCE_SUITE("sqlite", parley::sqlite::testing::sqlite_harness)
