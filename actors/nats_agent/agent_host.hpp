#pragma once

// Everything a process needs to expose sessions as NATS agents: the shared
// connection and one control plane per owner. The stdio command makes one
// for its session; the gateway one for every session of opted-in profiles.

#include <caf/fwd.hpp>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "src/nats_agent/agent_config.hpp"
#include "src/nats_agent/identity.hpp"
#include "actors/nats_agent/nats_link.hpp"

namespace parley {

/// What an agent shows of its session.
struct agent_session_info {
  nats_agent::identity base;
  std::string handle;
  std::vector<std::string> topics;
  /// Called when an operator stops the agent (control plane `stop`).
  std::function<void()> on_operator_stop;
};

class agent_host {
 public:
  /// Connects to NATS as `cfg` says (servers, else the context, else
  /// $NATS_URL, else nats://127.0.0.1:4222). Blocking.
  [[nodiscard]] static result<std::unique_ptr<agent_host>> connect(const nats_agent::agent_config& cfg,
                                                                   std::string state_dir, std::string version);
  ~agent_host();

  /// The factory for session_settings::spawn_nats_agent.
  [[nodiscard]] std::function<caf::actor(caf::local_actor*)> agent_factory(caf::actor_system& sys,
                                                                           agent_session_info info);
  /// Stops the control planes (later requests get `shutting_down`) and
  /// closes the connection once everything published is sent. Call after
  /// the sessions stopped.
  void shutdown(caf::actor_system& sys);

  [[nodiscard]] const nats_agent::agent_config& config() const { return cfg_; }

 private:
  agent_host(nats_agent::agent_config cfg, std::shared_ptr<nats_link> link, std::string state_dir,
             std::string version);
  caf::actor control_for(caf::actor_system& sys, const std::string& owner);

  nats_agent::agent_config cfg_;
  std::shared_ptr<nats_link> link_;
  std::string state_dir_;
  std::string version_;
  std::mutex mu_;
  std::map<std::string, caf::actor> controls_;
};

}  // namespace parley
