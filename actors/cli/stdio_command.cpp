#include <malloc.h>
#include <unistd.h>
#include <caf/all.hpp>

#include <filesystem>
#include <thread>

#include "actors/cli/commands.hpp"
#include "actors/cli/setup.hpp"
#include "actors/cli/stdio_agent.hpp"
#include "actors/messages.hpp"
#include "actors/supervisor/supervisor.hpp"
#include "actors/transport/stdio/stdio_loop.hpp"
#include "actors/transport/stdio/stdio_transport.hpp"
#include "src/state/read_state.hpp"
#include "src/util/log.hpp"

namespace parley::cli {

namespace {

void tune_malloc() {
  // One process per Claude Code session, whose threads mostly sleep: one
  // malloc arena for all of them (each extra arena keeps its own resident
  // pages; contention is no concern at this size).
  mallopt(M_ARENA_MAX, 1);
  // A page of messages is built in strings of tens of kilobytes. With
  // glibc's default 128 KiB trim threshold the heap top was given back after
  // every such answer and faulted in again for the next (with a TLB
  // shootdown across threads each time): a third of a 100-message fetch.
  // Up to 1 MiB of free heap stays; an idle session holds none of it.
  mallopt(M_TRIM_THRESHOLD, 1 << 20);
}

/// Sends `supervisor` a shutdown_request on SIGINT, SIGTERM or SIGHUP.
/// Returns the signalfd to close at the end, or -1.
int watch_shutdown_signals(const caf::actor& supervisor) {
  // The scheduler thread watches the shutdown signals too, when idle; a
  // thread of its own only where it cannot.
  const int signal_fd = shutdown_signal_fd();
  const bool signals_watched =
      signal_fd >= 0 &&
      offer_idle_input(idle_input{signal_fd, [supervisor, signal_fd] {
                                    if (auto name = read_shutdown_signal(signal_fd))
                                      caf::anon_send(supervisor, shutdown_request{*name});
                                    return true;
                                  }});
  if (!signals_watched) {
    std::thread([supervisor] {
      auto name = wait_for_shutdown_signal();
      caf::anon_send(supervisor, shutdown_request{name});
    }).detach();
  }
  return signal_fd;
}

}  // namespace

int run_stdio(loaded setup, const stdio_agent_factory& make_agent) {
  tune_malloc();
  block_shutdown_signals();

  stdio_plan plan;
  plan.cfg = std::move(setup.cfg);
  plan.plugin = std::shared_ptr<backend>(std::move(setup.plugin));
  plan.server_version = PARLEY_VERSION;
  const auto key = read_state_store::instance_key(plan.cfg.instance_id, plan.cfg.handle,
                                                  std::filesystem::current_path().string());
  plan.read_state_path = read_state_store::default_path(plan.cfg.state_path, key);
  plan.read_cursors = read_state_store(plan.read_state_path).load();
  auto output = std::make_shared<stdout_writer>();
  plan.output = output;

  std::unique_ptr<stdio_agent> agent;
  if (plan.cfg.nats_agent.enabled) {
    if (!make_agent) {
      log::error(
          "parley",
          "fatal: this program cannot expose the session on NATS (nats_agent:); run parley-full");
      return 1;
    }
    agent =
        make_agent(plan.cfg, std::filesystem::path(plan.read_state_path).parent_path().string());
    if (!agent) return 1;
  }

  int exit_code = 0;
  int signal_fd = -1;
  {
    caf::actor_system_config sys_cfg;
    // One session: one scheduler thread, which also reads stdin when it has
    // nothing else to do (transport/stdio/stdio_loop.hpp). A tool call crosses the
    // session, the router and the backend connection; with work stealing,
    // or with a second worker to wake for every hop, sequential calls were
    // measured 40-50 % slower (bench/stdio_bench post-rate). Blocking work
    // never runs here: it is on the backend's own threads.
    use_stdio_loop(sys_cfg);
    caf::actor_system sys{sys_cfg};
    // An operator's `stop` on the control plane ends the process gracefully,
    // like a signal.
    auto supervisor_handle = std::make_shared<caf::actor>();
    if (agent)
      agent->attach(sys, plan, [supervisor_handle] {
        caf::anon_send(*supervisor_handle,
                       shutdown_request{"stopped by an operator (NATS control plane)"});
      });
    auto supervisor = spawn_stdio_supervisor(sys, std::move(plan));
    *supervisor_handle = supervisor;
    signal_fd = watch_shutdown_signals(supervisor);
    caf::scoped_actor self{sys};
    self->monitor(supervisor);
    self->receive([&](caf::down_msg& dm) {
      if (dm.reason && dm.reason != caf::exit_reason::user_shutdown) {
        exit_code = 1;
        log::debug("parley", "supervisor ended: " + sys.render(dm.reason));
      }
    });
    if (agent) agent->shutdown(sys);
  }
  if (signal_fd >= 0) ::close(signal_fd);
  output->close(300);
  return exit_code;
}

}  // namespace parley::cli
