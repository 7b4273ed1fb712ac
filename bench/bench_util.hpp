#pragma once

// Shared by the benchmark programs: a monotonic clock stamp and percentiles.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

namespace parley::bench {

/// CLOCK_MONOTONIC in ns: the same clock in every process of this host, so
/// a stamp in a message body measures cross-process latency.
inline std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// The p-quantile (0..1) of the samples, 0 for none.
inline double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace parley::bench
