#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "src/mcp/tool_table.hpp"
#include "src/seam/backend.hpp"

namespace parley {

/// Counters the gateway exports at /metrics, shared by every session and
/// updated lock-free from actor threads.
struct runtime_metrics {
  /// Tool calls by tool (mcp::tool_id) and outcome (ok / error); the slot
  /// `unknown_tool` counts names no session offers and the NATS agent's tool.
  static constexpr std::size_t unknown_tool = mcp::tool_count;
  std::array<std::atomic<std::uint64_t>, (unknown_tool + 1) * 2> tool_calls{};
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

  /// Counts one call of `t` (nullopt: a name no session offers).
  void count_tool(std::optional<mcp::tool_id> t, bool ok) noexcept;
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

/// `connected` / `retrying` / `failed`.
[[nodiscard]] const char* health_name(health h) noexcept;

}  // namespace parley
