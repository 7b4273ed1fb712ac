#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "src/seam/backend.hpp"

namespace parley {

/// Counters the gateway exports at /metrics, shared by every session and
/// updated lock-free from actor threads.
struct runtime_metrics {
  /// Tool calls by tool and outcome (ok / error).
  enum tool { fetch_recent, post, reply, list_users, unknown_tool, tool_count };
  std::array<std::atomic<std::uint64_t>, tool_count * 2> tool_calls{};
  /// Channel events handed to a session's transport.
  std::atomic<std::uint64_t> deliveries{0};
  /// Messages that reached a session from its topics (before filters).
  std::atomic<std::uint64_t> messages_in{0};

  /// Push latency: message timestamp to the moment the event is handed to
  /// the transport, in milliseconds; buckets are upper bounds.
  static constexpr std::array<double, 10> latency_bounds_ms{1, 2, 5, 10, 25, 50, 100, 250, 1000, 5000};
  std::array<std::atomic<std::uint64_t>, latency_bounds_ms.size() + 1> latency_buckets{};
  std::atomic<std::uint64_t> latency_sum_us{0};
  std::atomic<std::uint64_t> latency_count{0};

  void count_tool(tool t, bool ok) noexcept { tool_calls[static_cast<std::size_t>(t) * 2 + (ok ? 0 : 1)]++; }
  void observe_latency_ms(double ms) noexcept;

  /// The backend connection's health as last reported.
  void set_backend_health(health h, const std::string& reason);
  [[nodiscard]] std::pair<health, std::string> backend_health() const;

  /// Prometheus text exposition of everything above.
  [[nodiscard]] std::string prometheus() const;

 private:
  mutable std::mutex health_mu_;
  health health_ = health::connected;
  std::string health_reason_ = "connected";
};

/// The tool enum for a tool name.
[[nodiscard]] runtime_metrics::tool tool_of(const std::string& name) noexcept;

/// `connected` / `retrying` / `failed`.
[[nodiscard]] const char* health_name(health h) noexcept;

}  // namespace parley
