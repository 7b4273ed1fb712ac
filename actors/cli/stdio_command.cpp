#include <caf/all.hpp>
#include <malloc.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "cli/commands.hpp"
#include "cli/setup.hpp"
#include "messages.hpp"
#include "nats_agent/agent_host.hpp"
#include "nats_agent/identity.hpp"
#include "state/read_state.hpp"
#include "stdio/stdio_transport.hpp"
#include "supervisor/supervisor.hpp"
#include "util/log.hpp"

namespace parley::cli {

int run_stdio(const command_line& cl) {
  // One process per Claude Code session: a dozen threads, each of which would
  // otherwise get its own malloc arena (64 MiB reserved, and some resident).
  mallopt(M_ARENA_MAX, 2);
  block_shutdown_signals();
  auto setup = load(cl.config_path);
  if (!setup) return 1;

  stdio_plan plan;
  plan.cfg = std::move(setup->cfg);
  plan.plugin = std::shared_ptr<backend>(std::move(setup->plugin));
  plan.server_version = PARLEY_VERSION;
  const auto key = read_state_store::instance_key(plan.cfg.instance_id, plan.cfg.handle,
                                                  std::filesystem::current_path().string());
  plan.read_state_path = read_state_store::default_path(plan.cfg.state_path, key);
  plan.read_cursors = read_state_store(plan.read_state_path).load();
  auto output = std::make_shared<stdout_writer>();
  plan.output = output;

  // The session as a NATS agent: identity and connection are settled before
  // anything starts, so a bad name or an unreachable server fails startup.
  std::unique_ptr<agent_host> agents;
  std::optional<nats_agent::identity> agent_identity;
  if (plan.cfg.nats_agent.enabled) {
    auto id = nats_agent::resolve_identity(nats_agent::stdio_identity_sources(
        plan.cfg.nats_agent, std::filesystem::current_path().string(), nats_agent::process_environment()));
    if (!id) {
      log::error("parley", "fatal: " + id.error().message);
      return 1;
    }
    agent_identity = *id;
    auto host = agent_host::connect(plan.cfg.nats_agent,
                                    std::filesystem::path(plan.read_state_path).parent_path().string(),
                                    PARLEY_VERSION);
    if (!host) {
      log::error("parley", "fatal: " + host.error().message);
      return 1;
    }
    agents = std::move(*host);
  }

  int exit_code = 0;
  {
    caf::actor_system_config sys_cfg;
    // One session: one scheduler thread and CAF's "sharing" policy, whose
    // idle worker blocks on a condition variable. A tool call crosses the
    // session, the router and a backend thread; with work stealing, or with
    // a second worker to wake for every hop, sequential calls were measured
    // 40-50 % slower (bench/stdio_bench post-rate). Blocking work never runs
    // here: it is on the backend's own threads.
    sys_cfg.set("scheduler.policy", caf::atom("sharing"));
    sys_cfg.set("scheduler.max-threads", std::size_t{1});
    caf::actor_system sys{sys_cfg};
    // An operator's `stop` on the control plane ends the process gracefully,
    // like a signal.
    auto supervisor_handle = std::make_shared<caf::actor>();
    if (agents) {
      agent_session_info info;
      info.base = *agent_identity;
      info.handle = plan.cfg.handle;
      info.topics = plan.cfg.topics;
      info.on_operator_stop = [supervisor_handle] {
        caf::anon_send(*supervisor_handle, shutdown_request{"stopped by an operator (NATS control plane)"});
      };
      plan.spawn_nats_agent = agents->agent_factory(sys, std::move(info));
    }
    auto supervisor = spawn_stdio_supervisor(sys, std::move(plan));
    *supervisor_handle = supervisor;
    std::thread([supervisor] {
      auto name = wait_for_shutdown_signal();
      caf::anon_send(supervisor, shutdown_request{name});
    }).detach();
    caf::scoped_actor self{sys};
    self->monitor(supervisor);
    self->receive([&](caf::down_msg& dm) {
      if (dm.reason && dm.reason != caf::exit_reason::user_shutdown) {
        exit_code = 1;
        log::debug("parley", "supervisor ended: " + sys.render(dm.reason));
      }
    });
    if (agents) agents->shutdown(sys);
  }
  output->close(300);
  return exit_code;
}

}  // namespace parley::cli
