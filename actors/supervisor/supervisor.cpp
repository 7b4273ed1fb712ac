#include "actors/supervisor/supervisor.hpp"

#include <caf/all.hpp>

#include "actors/backend_connection/backend_connection.hpp"
#include "actors/mcp_session/mcp_session.hpp"
#include "actors/messages.hpp"
#include "actors/router/router.hpp"
#include "actors/session_host/session_host.hpp"
#include "actors/state_writer/state_writer.hpp"
#include "actors/transport/stdio/stdio_transport.hpp"
#include "src/util/log.hpp"

namespace parley {

namespace {

// One session rarely has more than two seam calls in flight that must wait
// (a catch-up read beside a post); SQLite answers most calls without a
// worker at all (backend::try_post). Each worker is a thread.
constexpr std::size_t backend_workers = 2;
constexpr auto connect_timeout = std::chrono::seconds(30);
constexpr auto session_stop_budget = std::chrono::milliseconds(1500);
constexpr auto disconnect_budget = std::chrono::milliseconds(300);

struct supervisor_state {
  stdio_plan plan;
  caf::actor backend_conn;
  caf::actor router;
  caf::actor session;
  caf::actor state_writer;
  bool stopping = false;
  static inline const char* name = "supervisor";
};

using self_ptr = caf::stateful_actor<supervisor_state>*;

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out.append(out.empty() ? "" : ", ").append(s);
  return out;
}

void start_session(self_ptr self) {
  auto& st = self->state;
  const auto& cfg = st.plan.cfg;
  router_settings rs;
  rs.presence_topic = cfg.presence.topic;
  st.router = spawn_router(self, backend_door{st.backend_conn, st.plan.plugin}, rs);

  auto profile = top_level_profile(cfg);
  if (!profile) {
    log::error("parley", "fatal: " + profile.error().message);
    self->quit(caf::make_error(caf::sec::runtime_error, profile.error().message));
    return;
  }
  st.state_writer = spawn_state_writer(self);
  session_runtime rt;
  rt.router = st.router;
  rt.backend_conn = st.backend_conn;
  rt.state_writer = st.state_writer;
  rt.server_version = st.plan.server_version;
  rt.sender_is_identity = st.plan.plugin->capabilities().sender_is_identity;
  session_spec spec;
  spec.id = 1;
  spec.profile = std::move(*profile);
  spec.output = st.plan.output;
  spec.live_push = cfg.live_push.enabled;
  spec.read_state_path = st.plan.read_state_path;
  spec.read_cursors = st.plan.read_cursors;
  spec.max_input_bytes = cfg.stdio.max_line_bytes;
  spec.config_permissions = true;
  spec.spawn_nats_agent = st.plan.spawn_nats_agent;
  st.session = spawn_mcp_session(self, make_session_settings(cfg, rt, std::move(spec)));
  start_stdin_reader(st.session, caf::actor_cast<caf::actor>(self),
                     static_cast<std::size_t>(cfg.stdio.max_line_bytes));
  log::info("parley", "bridge up — handle=" + cfg.handle + " topics=[" + join(cfg.topics) +
                          "] live_push=" + (cfg.live_push.enabled ? "true" : "false") +
                          " backend=" + cfg.backend);
}

void stop(self_ptr self) {
  auto& st = self->state;
  auto disconnect = [self] {
    self->request(self->state.backend_conn, disconnect_budget, disconnect_cmd{})
        .then([self](done_result&) { self->quit(caf::exit_reason::user_shutdown); },
              [self](caf::error&) { self->quit(caf::exit_reason::user_shutdown); });
  };
  if (!st.session) {
    disconnect();
    return;
  }
  self->request(st.session, session_stop_budget, shutdown_request{"stopping"})
      .then([disconnect](shutdown_done) { disconnect(); },
            [disconnect](caf::error&) { disconnect(); });
}

caf::behavior supervisor(self_ptr self, stdio_plan plan) {
  auto& st = self->state;
  // A child that fails takes the process down (exit code 1); one that was
  // merely dropped (unreachable) does not.
  self->set_exit_handler([self](caf::exit_msg& em) {
    if (!em.reason || em.reason == caf::exit_reason::unreachable) return;
    log::error("parley", "a component failed: " + self->system().render(em.reason));
    self->quit(em.reason);
  });
  st.plan = std::move(plan);
  st.backend_conn = spawn_backend_connection(self, st.plan.plugin, backend_workers);
  self->request(st.backend_conn, connect_timeout, connect_cmd{st.plan.cfg.backend_config})
      .then(
          [self](done_result& r) {
            if (!r) {
              log::error("parley", "fatal: " + r.error().message);
              self->quit(caf::make_error(caf::sec::runtime_error, r.error().message));
              return;
            }
            if (self->state.stopping) {
              stop(self);
              return;
            }
            start_session(self);
          },
          [self](caf::error& err) {
            log::error("parley", "fatal: backend connect timed out: " + self->system().render(err));
            self->quit(err);
          });
  return {
      [self](shutdown_request& req) {
        auto& state = self->state;
        if (state.stopping) return;
        state.stopping = true;
        log::info("parley", "shutting down (" + req.reason + ")");
        // Before the backend connected there is nothing to stop yet: the
        // connect handler sees `stopping` and finishes.
        if (state.router) stop(self);
      },
  };
}

}  // namespace

caf::actor spawn_stdio_supervisor(caf::actor_system& sys, stdio_plan plan) {
  return sys.spawn(supervisor, std::move(plan));
}

}  // namespace parley
