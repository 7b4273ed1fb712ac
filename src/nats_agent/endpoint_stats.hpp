#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace parley::nats_agent {

/// Counters of one micro endpoint, as `$SRV.STATS` reports them
/// (docs/nats-agent-protocol.md, "Discovery and stats"). Counts like Go's micro, not JS's: every
/// error *reply* (a `Nats-Service-Error-Code` frame) counts as an error and sets
/// `last_error`, not only handler crashes, so operators see validation
/// failures too. Not thread-safe: owned by the one actor serving the endpoint.
class endpoint_stats {
 public:
  /// One request answered without an error frame, after `elapsed`
  /// (arrival to the end of its stream, or of the single reply).
  void record_success(std::chrono::nanoseconds elapsed);
  /// One request answered with an error frame. `last_error` becomes
  /// `<code>:<description>`, Go micro's format.
  void record_error(std::chrono::nanoseconds elapsed, int code, std::string_view description);
  /// Back to zero (`$SRV.STATS` has no reset verb; for the service's owner).
  void reset();

  [[nodiscard]] std::uint64_t num_requests() const noexcept { return num_requests_; }
  [[nodiscard]] std::uint64_t num_errors() const noexcept { return num_errors_; }
  /// Total processing time, integer nanoseconds.
  [[nodiscard]] std::int64_t processing_time_ns() const noexcept { return processing_time_ns_; }
  /// processing_time / num_requests (integer division), 0 with no requests.
  [[nodiscard]] std::int64_t average_processing_time_ns() const noexcept;
  /// "" until an error happened.
  [[nodiscard]] const std::string& last_error() const noexcept { return last_error_; }

 private:
  void add(std::chrono::nanoseconds elapsed);

  std::uint64_t num_requests_ = 0;
  std::uint64_t num_errors_ = 0;
  std::int64_t processing_time_ns_ = 0;
  std::string last_error_;
};

}  // namespace parley::nats_agent
