#include "actors/gateway/gateway_supervisor.hpp"

#include <caf/all.hpp>

#include "actors/backend_connection/backend_connection.hpp"
#include "actors/messages.hpp"
#include "actors/router/router.hpp"
#include "actors/state_writer/state_writer.hpp"
#include "src/util/log.hpp"

namespace parley {

namespace {

constexpr std::size_t backend_workers = 8;

struct gateway_supervisor_state {
  parley_config cfg;
  std::shared_ptr<backend> plugin;
  std::optional<runtime_result> outcome;
  std::vector<caf::response_promise> waiting;
  runtime_handles handles;
  static inline const char* name = "gateway_supervisor";
};

using self_ptr = caf::stateful_actor<gateway_supervisor_state>*;

void settle(self_ptr self, runtime_result r) {
  self->state.outcome = r;
  for (auto& rp : self->state.waiting) rp.deliver(r);
  self->state.waiting.clear();
}

caf::behavior gateway_supervisor(self_ptr self, parley_config cfg, std::shared_ptr<backend> plugin) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.plugin = std::move(plugin);
  self->set_exit_handler([self](caf::exit_msg& em) {
    if (!em.reason || em.reason == caf::exit_reason::unreachable) return;
    log::error("parley", "a component failed: " + self->system().render(em.reason));
    self->quit(em.reason);
  });
  st.handles.metrics = std::make_shared<runtime_metrics>();
  st.handles.backend_conn = spawn_backend_connection(self, st.plugin, backend_workers, st.handles.metrics);
  self->request(st.handles.backend_conn, std::chrono::seconds(30), connect_cmd{st.cfg.backend_config})
      .then(
          [self](done_result& r) {
            auto& state = self->state;
            if (!r) {
              settle(self, r.error());
              return;
            }
            router_settings rs;
            rs.presence_topic = state.cfg.presence.topic;
            state.handles.router =
                spawn_router(self, backend_door{state.handles.backend_conn, state.plugin}, rs);
            state.handles.state_writer = spawn_state_writer(self);
            settle(self, state.handles);
          },
          [self](caf::error& err) {
            settle(self, fail(errc::backend_unavailable, "backend connect timed out: " + self->system().render(err)));
          });
  return {
      [self](runtime_query) -> caf::result<runtime_result> {
        if (self->state.outcome) return *self->state.outcome;
        auto rp = self->make_response_promise();
        self->state.waiting.push_back(rp);
        return rp;
      },
      [self](runtime_stop) {
        self->request(self->state.handles.backend_conn, std::chrono::milliseconds(500), disconnect_cmd{})
            .then([self](done_result&) { self->quit(caf::exit_reason::user_shutdown); },
                  [self](caf::error&) { self->quit(caf::exit_reason::user_shutdown); });
      },
  };
}

}  // namespace

caf::actor spawn_gateway_supervisor(caf::actor_system& sys, parley_config cfg, std::shared_ptr<backend> plugin) {
  return sys.spawn(gateway_supervisor, std::move(cfg), std::move(plugin));
}

}  // namespace parley
