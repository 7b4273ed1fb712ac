#include <caf/all.hpp>

#include <cstdio>

#include "cli/commands.hpp"
#include "cli/setup.hpp"
#include "gateway/gateway.hpp"
#include "gateway/gateway_supervisor.hpp"
#include "util/log.hpp"

namespace parley::cli {

int run_serve(const command_line& cl) {
  block_shutdown_signals();
  auto setup = load(cl.config_path);
  if (!setup) return 1;
  if (!setup->cfg.gateway) {
    std::fprintf(stderr,
                 "parley: fatal: %s has no gateway: block; `parley serve` needs gateway.profiles and "
                 "gateway.tokens (see config/parley.example.yaml)\n",
                 cl.config_path.c_str());
    return 1;
  }
  const parley_config cfg = setup->cfg;
  std::shared_ptr<backend> plugin(std::move(setup->plugin));
  int exit_code = 0;
  {
    caf::actor_system_config sys_cfg;
    caf::actor_system sys{sys_cfg};
    auto supervisor = spawn_gateway_supervisor(sys, cfg, plugin);
    caf::scoped_actor self{sys};
    std::optional<runtime_handles> handles;
    self->request(supervisor, caf::infinite, runtime_query{})
        .receive(
            [&](runtime_result& r) {
              if (r)
                handles = *r;
              else
                log::error("parley", "fatal: " + r.error().message);
            },
            [&](caf::error& err) { log::error("parley", "fatal: " + sys.render(err)); });
    if (!handles) {
      self->send_exit(supervisor, caf::exit_reason::user_shutdown);
      return 1;
    }
    gateway_runtime rt;
    rt.sys = &sys;
    rt.router = handles->router;
    rt.backend_conn = handles->backend_conn;
    rt.state_writer = handles->state_writer;
    rt.sender_is_identity = plugin->capabilities().sender_is_identity;
    rt.server_version = PARLEY_VERSION;
    gateway gw(cfg, rt);
    http::server_options opts;
    opts.host = cfg.gateway->listen;
    opts.port = static_cast<unsigned short>(cfg.gateway->port);
    opts.io_threads = static_cast<std::size_t>(cfg.gateway->io_threads);
    opts.max_body_bytes = static_cast<std::size_t>(cfg.gateway->max_body_bytes);
    std::string error;
    auto server = http::start(opts, gw.handler(), error);
    if (!server) {
      log::error("parley", "fatal: " + error);
      self->send(supervisor, runtime_stop{});
      self->wait_for(supervisor);
      return 1;
    }
    log::info("parley", "gateway listening on http://" + cfg.gateway->listen + ":" + std::to_string(server->port()) +
                            "/mcp (public URL " + cfg.gateway->public_url + "/mcp, backend " + cfg.backend + ")");
    const std::string why = wait_for_shutdown_signal();
    log::info("parley", "shutting down (" + why + ")");
    server->stop();
    gw.end_all_sessions(1500);
    self->monitor(supervisor);
    self->send(supervisor, runtime_stop{});
    self->receive([&](caf::down_msg& dm) {
      if (dm.reason && dm.reason != caf::exit_reason::user_shutdown) exit_code = 1;
    });
  }
  return exit_code;
}

}  // namespace parley::cli
