#include "actors/nats_agent/agent_host.hpp"

#include <caf/all.hpp>

#include <cstdlib>

#include "actors/messages.hpp"
#include "actors/nats_agent/agent_control.hpp"
#include "actors/nats_agent/nats_agent.hpp"
#include "src/nats_client/connection_settings.hpp"

namespace parley {

namespace {

/// Where to connect: `servers`, else the context's, else $NATS_URL, else a
/// local server. Never a public demo server: that would expose the session.
result<nats_link_settings> resolve_connection(const nats_agent::agent_config& cfg) {
  nats_link_settings s;
  s.client_name = "parley-agent";
  if (cfg.context) {
    auto ctx = nats::read_context(*cfg.context);
    if (!ctx) return fail(errc::invalid_config, "nats_agent.context: " + ctx.error().message);
    s.connection = std::move(*ctx);
  }
  auto& servers = s.connection.servers;
  if (!cfg.servers.empty()) servers = cfg.servers;
  if (servers.empty()) {
    const char* url = std::getenv("NATS_URL");
    servers.emplace_back(url && *url ? url : "nats://127.0.0.1:4222");
  }
  return s;
}

}  // namespace

agent_host::agent_host(nats_agent::agent_config cfg, std::shared_ptr<nats_link> link, std::string state_dir,
                       std::string version)
    : cfg_(std::move(cfg)), link_(std::move(link)), state_dir_(std::move(state_dir)), version_(std::move(version)) {}

agent_host::~agent_host() {
  if (link_) link_->close();
}

result<std::unique_ptr<agent_host>> agent_host::connect(const nats_agent::agent_config& cfg, std::string state_dir,
                                                        std::string version) {
  auto settings = resolve_connection(cfg);
  if (!settings) return settings.error();
  auto link = nats_link::connect(*settings);
  if (!link) return link.error();
  return std::unique_ptr<agent_host>(new agent_host(cfg, std::move(*link), std::move(state_dir), std::move(version)));
}

caf::actor agent_host::control_for(caf::actor_system& sys, const std::string& owner) {
  std::lock_guard lock(mu_);
  auto& c = controls_[owner];
  if (!c) c = spawn_agent_control(sys, link_, owner);
  return c;
}

std::function<caf::actor(caf::local_actor*)> agent_host::agent_factory(caf::actor_system& sys,
                                                                       agent_session_info info) {
  nats_agent_settings s;
  s.link = link_;
  s.cfg = cfg_;
  s.base = info.base;
  s.state_dir = state_dir_;
  s.handle = std::move(info.handle);
  s.topics = std::move(info.topics);
  s.version = version_;
  s.control = control_for(sys, info.base.owner);
  s.on_operator_stop = std::move(info.on_operator_stop);
  return [s = std::move(s)](caf::local_actor* session) { return spawn_nats_agent(session, s); };
}

void agent_host::shutdown(caf::actor_system&) {
  std::map<std::string, caf::actor> controls;
  {
    std::lock_guard lock(mu_);
    controls.swap(controls_);
  }
  for (auto& [owner, c] : controls) caf::anon_send_exit(c, caf::exit_reason::user_shutdown);
  if (link_) link_->close();
}

}  // namespace parley
