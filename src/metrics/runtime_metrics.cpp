#include "src/metrics/runtime_metrics.hpp"

namespace parley {

namespace {
constexpr const char* tool_names[] = {"parley_fetch_recent", "parley_post", "parley_reply", "parley_list_users",
                                      "unknown"};
}  // namespace

void runtime_metrics::observe_latency_ms(double ms) noexcept {
  std::size_t i = 0;
  while (i < latency_bounds_ms.size() && ms > latency_bounds_ms[i]) ++i;
  latency_buckets[i]++;
  latency_sum_us += static_cast<std::uint64_t>(ms < 0 ? 0 : ms * 1000);
  latency_count++;
}

void runtime_metrics::set_backend_health(health h, const std::string& reason) {
  std::lock_guard lock(health_mu_);
  health_ = h;
  health_reason_ = reason;
}

std::pair<health, std::string> runtime_metrics::backend_health() const {
  std::lock_guard lock(health_mu_);
  return {health_, health_reason_};
}

std::string runtime_metrics::prometheus() const {
  std::string out;
  out += "# TYPE parley_tool_calls_total counter\n";
  for (std::size_t t = 0; t < tool_count; ++t)
    for (int ok = 0; ok < 2; ++ok)
      out += std::string("parley_tool_calls_total{tool=\"") + tool_names[t] + "\",outcome=\"" +
             (ok == 0 ? "ok" : "error") + "\"} " + std::to_string(tool_calls[t * 2 + static_cast<std::size_t>(ok)].load()) + "\n";
  out += "# TYPE parley_messages_in_total counter\nparley_messages_in_total " + std::to_string(messages_in.load()) + "\n";
  out += "# TYPE parley_deliveries_total counter\nparley_deliveries_total " + std::to_string(deliveries.load()) + "\n";
  out += "# TYPE parley_push_latency_ms histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < latency_bounds_ms.size(); ++i) {
    cumulative += latency_buckets[i].load();
    char le[32];
    std::snprintf(le, sizeof le, "%g", latency_bounds_ms[i]);
    out += std::string("parley_push_latency_ms_bucket{le=\"") + le + "\"} " + std::to_string(cumulative) + "\n";
  }
  cumulative += latency_buckets[latency_bounds_ms.size()].load();
  out += "parley_push_latency_ms_bucket{le=\"+Inf\"} " + std::to_string(cumulative) + "\n";
  out += "parley_push_latency_ms_sum " + std::to_string(static_cast<double>(latency_sum_us.load()) / 1000.0) + "\n";
  out += "parley_push_latency_ms_count " + std::to_string(latency_count.load()) + "\n";
  auto [h, reason] = backend_health();
  out += "# TYPE parley_backend_up gauge\nparley_backend_up " + std::string(h == health::connected ? "1" : "0") + "\n";
  return out;
}

runtime_metrics::tool tool_of(const std::string& name) noexcept {
  for (std::size_t t = 0; t < runtime_metrics::unknown_tool; ++t)
    if (name == tool_names[t]) return static_cast<runtime_metrics::tool>(t);
  return runtime_metrics::unknown_tool;
}

const char* health_name(health h) noexcept {
  switch (h) {
    case health::connected: return "connected";
    case health::retrying: return "retrying";
    case health::failed: return "failed";
  }
  return "unknown";
}

}  // namespace parley
