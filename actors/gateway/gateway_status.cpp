#include "actors/gateway/gateway_status.hpp"

#include "src/json/writer.hpp"

namespace parley {

namespace {

void add(std::string& out, const char* name, const char* type, std::uint64_t v) {
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
  out.append(name).append(" ").append(std::to_string(v)).append("\n");
}

}  // namespace

http::response health_response(const runtime_metrics* metrics, const std::string& backend_name,
                               std::size_t sessions) {
  auto [h, reason] =
      metrics ? metrics->backend_health() : std::pair{health::connected, std::string()};
  json::writer w;
  w.begin_object().key("status").value(h == health::connected ? "ok" : "degraded");
  w.key("backend")
      .begin_object()
      .key("name")
      .value(backend_name)
      .key("state")
      .value(health_name(h));
  w.key("reason").value(reason).end_object();
  w.key("sessions").value(sessions);
  w.end_object();
  return {h == health::connected ? 200 : 503,
          {{"content-type", "application/json"}},
          std::move(w).take()};
}

http::response metrics_response(const gateway_counters& c, const runtime_metrics* metrics,
                                const owner_quota& quota) {
  std::string out;
  add(out, "parley_sessions_active", "gauge", c.sessions_active);
  add(out, "parley_sessions_created_total", "counter", c.sessions_created);
  add(out, "parley_http_requests_total", "counter", c.http_requests);
  add(out, "parley_auth_failures_total", "counter", c.auth_failures);
  add(out, "parley_events_dropped_total", "counter", c.events_dropped);
  if (metrics) out += metrics->prometheus();
  out += quota.prometheus();
  return {200, {{"content-type", "text/plain; version=0.0.4"}}, std::move(out)};
}

}  // namespace parley
