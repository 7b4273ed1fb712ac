#include <catch2/catch.hpp>

#include "backends/matrix/matrix_harness.hpp"

// Against the fake homeserver (fake/), one per test process: never skipped.
PARLEY_CONFORMANCE_SUITE("matrix", parley::matrix::testing::matrix_harness)

// The same suite in application-service mode: posts as per-handle users.
PARLEY_CONFORMANCE_SUITE("matrix-appservice", parley::matrix::testing::appservice_harness)
