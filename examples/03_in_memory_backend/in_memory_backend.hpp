#pragma once

// A whole backend in memory: the reference a new backend starts from. It
// passes the conformance suite (in_memory_backend.test.cpp) without a
// server, so every clause of the seam's contract has a small, runnable
// answer here. backends/README.md walks through the steps it takes.

#include <memory>
#include <string>
#include <vector>

#include "src/config/value.hpp"
#include "src/seam/backend.hpp"

namespace parley::in_memory {

/// `backend_config` of the in-memory backend.
struct in_memory_config {
  /// Backends connected with the same store name share one history in this
  /// process, as sessions on one database file would.
  std::string store = "default";

  /// Reads and validates; problems carry paths under `backend_config`.
  [[nodiscard]] static in_memory_config parse(const config::value& v, std::vector<config::problem>& problems);
};

/// A new, unconnected in-memory backend (what `backend: in-memory` makes).
[[nodiscard]] std::unique_ptr<backend> make_in_memory_backend();

}  // namespace parley::in_memory
