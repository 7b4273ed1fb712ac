#include <catch2/catch.hpp>

#include "sqlite_harness.hpp"

PARLEY_CONFORMANCE_SUITE("sqlite", parley::sqlite::testing::sqlite_harness)
