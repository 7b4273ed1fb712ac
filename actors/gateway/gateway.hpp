#pragma once

#include <caf/actor.hpp>

#include <functional>
#include <memory>

#include "src/config/parley_config.hpp"
#include "actors/transport/http/http_server.hpp"
#include "actors/session_host/session_host.hpp"
#include "src/metrics/runtime_metrics.hpp"

namespace parley {

/// The actors a gateway's sessions run on, started by the serve supervisor.
struct gateway_runtime {
  caf::actor_system* sys = nullptr;
  /// What every session shares (its metrics are the gateway's too).
  session_runtime shared;
  /// For sessions of profiles with `nats_agent: {enabled: true}`: the
  /// factory of their NATS agent; `owner` is the session's Parley owner
  /// ("" for gateway.profiles); `on_stop` ends the session (an operator
  /// stopped it). Unset: no session is exposed on NATS.
  std::function<std::function<caf::actor(caf::local_actor*)>(const gateway_profile&, const std::string& owner,
                                                               std::function<void()> on_stop)>
      nats_agents;
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

  /// Opens the authorization front door (static tokens, the built-in OAuth
  /// server or OIDC) for `public_url`, once the listening port is known;
  /// until then requests are answered 503. Returns what it accepts, for the
  /// startup log; an error is fatal (unreadable grant DB, OIDC discovery).
  [[nodiscard]] result<std::string> open_front_door(const std::string& public_url,
                                                    const std::string& default_state_db);

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
