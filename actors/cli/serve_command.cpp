#include <caf/all.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "actors/cli/commands.hpp"
#include "actors/cli/setup.hpp"
#include "actors/gateway/gateway.hpp"
#include "actors/gateway/gateway_supervisor.hpp"
#include "actors/nats_agent/agent_host.hpp"
#include "src/nats_agent/identity.hpp"
#include "src/state/read_state.hpp"
#include "src/util/log.hpp"

namespace parley::cli {

int run_serve(const command_line& cl) {
  block_shutdown_signals();
  auto setup = load(cl.config_path);
  if (!setup) return 1;
  parley_config cfg = setup->cfg;
  auto& g = cfg.gateway;
  if (cl.listen) {
    if (!parse_listen(*cl.listen, g.listen_host, g.port)) {
      std::fprintf(stderr, "parley: --listen expects HOST:PORT, got '%s'\n", cl.listen->c_str());
      return 2;
    }
    g.listen = *cl.listen;
  }
  // PARLEY_PUBLIC_URL (alias PARLEY_ISSUER_URL, the original's) wins over
  // gateway.public_url: deployments set it per environment.
  for (const char* name : {"PARLEY_PUBLIC_URL", "PARLEY_ISSUER_URL"}) {
    if (const char* url = std::getenv(name); url && *url) {
      g.public_url = url;
      while (!g.public_url.empty() && g.public_url.back() == '/') g.public_url.pop_back();
      g.public_url_given = true;
      break;
    }
  }
  if (g.profiles.empty() && cfg.owners.empty()) {
    std::fprintf(stderr,
                 "parley: fatal: %s defines no session profile: give identity.handle and topics at the top "
                 "level (profile `default`) or gateway.profiles\n",
                 cl.config_path.c_str());
    return 1;
  }
  const char* dev_token = std::getenv("PARLEY_DEV_TOKEN");
  if (dev_token && *dev_token) g.tokens.push_back({token_digest(dev_token), "default"});
  const bool oauth = cfg.auth.mode == "oidc" || !cfg.owners.empty();
  if (g.tokens.empty() && !oauth) {
    std::fprintf(stderr,
                 "parley: fatal: no credential would be accepted: list gateway.tokens ({sha256, profile}; "
                 "`parley hash-token TOKEN` makes the hash), configure owners: for the OAuth front door, "
                 "or set PARLEY_DEV_TOKEN for local use\n");
    return 1;
  }
  for (const auto& t : g.tokens) {
    if (std::none_of(g.profiles.begin(), g.profiles.end(), [&](const gateway_profile& p) { return p.name == t.profile; })) {
      std::fprintf(stderr, "parley: fatal: a token names profile '%s', which does not exist%s\n", t.profile.c_str(),
                   t.profile == "default" ? " (give identity.handle and topics at the top level)" : "");
      return 1;
    }
  }
  // Sessions of opted-in profiles are NATS agents: one connection for all.
  std::unique_ptr<agent_host> agents;
  bool any_agent = std::any_of(g.profiles.begin(), g.profiles.end(), [](const gateway_profile& p) { return p.nats_agent; });
  for (const auto& o : cfg.owners)
    for (const auto& p : o.profiles) any_agent = any_agent || p.nats_agent;
  if (any_agent && !cfg.nats_agent.enabled) {
    std::fprintf(stderr, "parley: fatal: a profile sets nats_agent.enabled but there is no top-level nats_agent "
                         "block saying where NATS is (nats_agent: {servers: ...})\n");
    return 1;
  }
  if (any_agent) {
    const auto state_dir = std::filesystem::path(read_state_store::default_path(cfg.state_path, "gateway")).parent_path();
    auto host = agent_host::connect(cfg.nats_agent, state_dir.string(), PARLEY_VERSION);
    if (!host) {
      log::error("parley", "fatal: " + host.error().message);
      return 1;
    }
    agents = std::move(*host);
  }
  std::shared_ptr<backend> plugin(std::move(setup->plugin));
  int exit_code = 0;
  {
    caf::actor_system_config sys_cfg;
    // Measured on 2 vCPUs (bench/gateway_bench): one scheduler thread with
    // the "sharing" policy and one HTTP I/O thread beat CAF's default work
    // stealing on two threads in every figure — sequential HTTP posts
    // 5,600/s vs 2,900/s, fan-out to 1,000 sessions p99 30 ms vs 62 ms —
    // because each call crosses actors, an I/O thread and a backend thread,
    // and every extra idle worker is one more wake-up. Blocking work runs on
    // the backend's own threads, never here.
    sys_cfg.set("scheduler.policy", caf::atom("sharing"));
    sys_cfg.set("scheduler.max-threads", std::size_t{1});
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
    rt.shared.router = handles->router;
    rt.shared.backend_conn = handles->backend_conn;
    rt.shared.state_writer = handles->state_writer;
    rt.shared.metrics = handles->metrics;
    rt.shared.sender_is_identity = plugin->capabilities().sender_is_identity;
    rt.shared.server_version = PARLEY_VERSION;
    if (agents) {
      rt.nats_agents = [&agents, &sys, agent_cfg = cfg.nats_agent](const gateway_profile& p, const std::string& owner,
                                                                   std::function<void()> on_stop) {
        // The session name is the handle (suffixed when taken); one
        // environment variable cannot name many sessions.
        auto src = nats_agent::stdio_identity_sources(agent_cfg, "", nats_agent::process_environment());
        src.env_session.reset();
        src.config_session.reset();
        src.session_basis = p.handle;
        // An owner's sessions are theirs on NATS too: their subjects and
        // their control plane (agents.parley.<owner>), not another owner's.
        if (!owner.empty()) {
          src.env_owner.reset();
          src.config_owner = owner;
        }
        auto id = nats_agent::resolve_identity(src);
        agent_session_info info;
        info.base = id ? *id : nats_agent::identity{agent_cfg.agent, "unknown", "default"};
        info.handle = p.handle;
        info.topics = p.topics;
        info.on_operator_stop = std::move(on_stop);
        return agents->agent_factory(sys, std::move(info));
      };
    }
    gateway gw(cfg, rt);
    http::server_options opts;
    opts.host = g.listen_host;
    opts.port = static_cast<unsigned short>(g.port);
    opts.io_threads = static_cast<std::size_t>(g.io_threads);
    opts.max_body_bytes = static_cast<std::size_t>(g.max_body_bytes);
    std::string error;
    auto server = http::start(opts, gw.handler(), error);
    if (!server) {
      log::error("parley", "fatal: " + error);
      self->send(supervisor, runtime_stop{});
      self->wait_for(supervisor);
      return 1;
    }
    if (!g.public_url_given && g.port == 0)
      g.public_url = "http://" + (g.listen_host.find(':') != std::string::npos ? "[" + g.listen_host + "]" : g.listen_host) +
                     ":" + std::to_string(server->port());
    const auto state_db =
        (std::filesystem::path(read_state_store::default_path(cfg.state_path, "gateway")).parent_path() /
         "parley-gateway.db")
            .string();
    auto door = gw.open_front_door(g.public_url, state_db);
    if (!door) {
      log::error("parley", "fatal: " + door.error().message);
      server->stop();
      gw.end_all_sessions(500);
      self->send(supervisor, runtime_stop{});
      self->wait_for(supervisor);
      return 1;
    }
    log::info("parley", "gateway listening on http://" + g.listen_host + ":" + std::to_string(server->port()) +
                            "/mcp (public URL " + g.public_url + "/mcp, backend " + cfg.backend + "; auth: " + *door + ")");
    const std::string why = wait_for_shutdown_signal();
    log::info("parley", "shutting down (" + why + ")");
    server->stop();
    gw.end_all_sessions(1500);
    if (agents) agents->shutdown(sys);
    self->monitor(supervisor);
    self->send(supervisor, runtime_stop{});
    self->receive([&](caf::down_msg& dm) {
      if (dm.reason && dm.reason != caf::exit_reason::user_shutdown) exit_code = 1;
    });
  }
  return exit_code;
}

}  // namespace parley::cli
