#pragma once

// What the gateway says about itself: /healthz for load balancers, /metrics
// for Prometheus.

#include <cstdint>
#include <string>

#include "actors/gateway/owner_quota.hpp"
#include "actors/transport/http/http_server.hpp"
#include "src/metrics/runtime_metrics.hpp"

namespace parley {

/// The gateway's own counters at one moment.
struct gateway_counters {
  std::size_t sessions_active = 0;
  std::uint64_t sessions_created = 0;
  std::uint64_t http_requests = 0;
  std::uint64_t auth_failures = 0;
  std::uint64_t events_dropped = 0;
};

/// /healthz: the backend's state and the session count; 503 while the
/// backend is down, so a load balancer stops sending. Without metrics the
/// backend counts as connected.
[[nodiscard]] http::response health_response(const runtime_metrics* metrics,
                                             const std::string& backend_name, std::size_t sessions);

/// /metrics: the gateway's counters, then the runtime's and the quotas'.
[[nodiscard]] http::response metrics_response(const gateway_counters& c,
                                              const runtime_metrics* metrics,
                                              const owner_quota& quota);

}  // namespace parley
