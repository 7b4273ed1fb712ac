#include "src/metrics/runtime_metrics.hpp"

namespace parley {

namespace {

/// The slot a call of `t` is counted in.
std::size_t slot_of(std::optional<mcp::tool_id> t) noexcept {
  if (!t || mcp::tool(*t).nats_agent_only) return runtime_metrics::unknown_tool;
  return static_cast<std::size_t>(*t);
}

}  // namespace

void runtime_metrics::count_tool(std::optional<mcp::tool_id> t, bool ok) noexcept {
  tool_calls[slot_of(t) * 2 + (ok ? 0 : 1)]++;
}

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
  auto count_line = [&](std::size_t slot, std::string_view label) {
    for (std::size_t ok = 0; ok < 2; ++ok)
      out += "parley_tool_calls_total{tool=\"" + std::string(label) + "\",outcome=\"" +
             (ok == 0 ? "ok" : "error") + "\"} " +
             std::to_string(tool_calls[slot * 2 + ok].load()) + "\n";
  };
  for (const auto& t : mcp::tool_table())
    if (!t.nats_agent_only) count_line(static_cast<std::size_t>(t.id), t.name);
  count_line(unknown_tool, "unknown");
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

const char* health_name(health h) noexcept {
  switch (h) {
    case health::connected: return "connected";
    case health::retrying: return "retrying";
    case health::failed: return "failed";
  }
  return "unknown";
}

}  // namespace parley
