#include "src/nats_agent/endpoint_stats.hpp"

#include <limits>

namespace parley::nats_agent {

void endpoint_stats::add(std::chrono::nanoseconds elapsed) {
  ++num_requests_;
  // A clock step backwards must not make the total shrink; saturate instead
  // of overflowing after ~292 years of processing.
  const std::int64_t ns = elapsed.count() > 0 ? elapsed.count() : 0;
  if (processing_time_ns_ > std::numeric_limits<std::int64_t>::max() - ns)
    processing_time_ns_ = std::numeric_limits<std::int64_t>::max();
  else
    processing_time_ns_ += ns;
}

void endpoint_stats::record_success(std::chrono::nanoseconds elapsed) {
  add(elapsed);
}

void endpoint_stats::record_error(std::chrono::nanoseconds elapsed, int code,
                                  std::string_view description) {
  add(elapsed);
  ++num_errors_;
  last_error_ = std::to_string(code) + ":" + std::string(description);
}

void endpoint_stats::reset() {
  *this = endpoint_stats{};
}

std::int64_t endpoint_stats::average_processing_time_ns() const noexcept {
  if (num_requests_ == 0) return 0;
  return processing_time_ns_ / static_cast<std::int64_t>(num_requests_);
}

}  // namespace parley::nats_agent
