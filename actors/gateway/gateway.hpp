#pragma once

#include <caf/actor.hpp>

#include <memory>

#include "config/parley_config.hpp"
#include "gateway/http_server.hpp"
#include "metrics/runtime_metrics.hpp"

namespace parley {

/// The actors a gateway's sessions run on, started by the serve supervisor.
struct gateway_runtime {
  caf::actor_system* sys = nullptr;
  caf::actor router;
  caf::actor backend_conn;
  caf::actor state_writer;
  bool sender_is_identity = true;
  std::string server_version;
  std::shared_ptr<runtime_metrics> metrics;
};

/// Streamable HTTP MCP at /mcp, plus /healthz and /metrics: the HTTP side of
/// `parley serve`. Each `Mcp-Session-Id` is one mcp_session actor with the
/// profile its bearer token names; sessions idle past the configured time
/// end on their own.
class gateway {
 public:
  gateway(const parley_config& cfg, gateway_runtime rt);
  ~gateway();
  gateway(const gateway&) = delete;
  gateway& operator=(const gateway&) = delete;

  /// The request handler to give the HTTP server.
  [[nodiscard]] http::handler handler();

  /// Ends every session gracefully (goodbye beats), waiting up to `ms`.
  void end_all_sessions(int ms);

  [[nodiscard]] std::size_t session_count() const;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace parley
