#include "actors/cli/stdio_agent.hpp"

#include <caf/all.hpp>

#include <filesystem>

#include "actors/nats_agent/agent_host.hpp"
#include "src/nats_agent/identity.hpp"
#include "src/util/log.hpp"

namespace parley::cli {

namespace {

class nats_stdio_agent final : public stdio_agent {
 public:
  nats_stdio_agent(std::unique_ptr<agent_host> host, nats_agent::identity id)
      : host_(std::move(host)), id_(std::move(id)) {}

  void attach(caf::actor_system& sys, stdio_plan& plan, std::function<void()> on_operator_stop) override {
    agent_session_info info;
    info.base = id_;
    info.handle = plan.cfg.handle;
    info.topics = plan.cfg.topics;
    info.on_operator_stop = std::move(on_operator_stop);
    plan.spawn_nats_agent = host_->agent_factory(sys, std::move(info));
  }

  void shutdown(caf::actor_system& sys) override { host_->shutdown(sys); }

 private:
  std::unique_ptr<agent_host> host_;
  nats_agent::identity id_;
};

}  // namespace

std::unique_ptr<stdio_agent> connect_stdio_agent(const parley_config& cfg, const std::string& state_dir) {
  auto id = nats_agent::resolve_identity(nats_agent::stdio_identity_sources(
      cfg.nats_agent, std::filesystem::current_path().string(), nats_agent::process_environment()));
  if (!id) {
    log::error("parley", "fatal: " + id.error().message);
    return nullptr;
  }
  auto host = agent_host::connect(cfg.nats_agent, state_dir, PARLEY_VERSION);
  if (!host) {
    log::error("parley", "fatal: " + host.error().message);
    return nullptr;
  }
  return std::make_unique<nats_stdio_agent>(std::move(*host), std::move(*id));
}

}  // namespace parley::cli
