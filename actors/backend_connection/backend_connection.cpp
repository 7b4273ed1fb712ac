#include "actors/backend_connection/backend_connection.hpp"

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "src/util/log.hpp"

namespace parley {

namespace {

/// Forwards what a backend delivers on its own thread to an actor.
class actor_sink final : public subscription_sink {
 public:
  explicit actor_sink(caf::actor target) : target_(std::move(target)) {}
  void on_message(message msg) override { caf::anon_send(target_, live_message{std::move(msg)}); }
  void on_gap() override { caf::anon_send(target_, live_gap{}); }

 private:
  caf::actor target_;
};

/// Owns a sink and the subscription feeding it; the subscription is
/// destroyed (cancelled) first, so the sink is never called after it dies.
struct live_subscription {
  std::unique_ptr<actor_sink> sink;
  std::unique_ptr<subscription> sub;
  ~live_subscription() { sub.reset(); }
};

caf::behavior worker(caf::event_based_actor* self, std::shared_ptr<backend> plugin) {
  (void)self;
  return {
      [plugin](post_cmd& cmd) -> post_result { return plugin->post(cmd.req); },
      [plugin](fetch_cmd& cmd) -> fetch_result { return plugin->fetch_recent(cmd.req); },
      [plugin](subscribe_cmd& cmd) -> subscribe_result {
        auto live = std::make_shared<live_subscription>();
        live->sink = std::make_unique<actor_sink>(cmd.target);
        auto sub = plugin->subscribe(cmd.topic, *live->sink);
        if (!sub) return sub.error();
        live->sub = std::move(*sub);
        return live_handle{std::move(live)};
      },
      [plugin](connect_cmd& cmd) -> done_result {
        if (auto r = plugin->connect(cmd.backend_config); !r) return r.error();
        return true;
      },
      [plugin](disconnect_cmd&) -> done_result {
        plugin->disconnect();
        return true;
      },
  };
}

struct backend_connection_state {
  std::vector<caf::actor> workers;
  std::size_t next = 0;
  health state = health::connected;
  static inline const char* name = "backend_connection";

  const caf::actor& pick() { return workers[next++ % workers.size()]; }
};

caf::behavior backend_connection(caf::stateful_actor<backend_connection_state>* self,
                                 std::shared_ptr<backend> plugin, std::size_t workers,
                                 std::shared_ptr<runtime_metrics> metrics) {
  for (std::size_t i = 0; i < std::max<std::size_t>(workers, 1); ++i)
    self->state.workers.push_back(self->spawn<caf::detached + caf::linked>(worker, plugin));
  caf::actor me = caf::actor_cast<caf::actor>(self);
  plugin->set_health_listener([me](health state, const std::string& reason) {
    caf::anon_send(me, health_event{state, reason});
  });
  return {
      // The plugin's fast path first: when it can answer without waiting,
      // the answer costs no thread hand-off at all.
      [self, plugin](post_cmd& cmd) -> caf::result<post_result> {
        if (auto done = plugin->try_post(cmd.req)) return std::move(*done);
        self->delegate(self->state.pick(), std::move(cmd));
        return caf::delegated<post_result>{};
      },
      [self, plugin](fetch_cmd& cmd) -> caf::result<fetch_result> {
        if (auto done = plugin->try_fetch_recent(cmd.req)) return std::move(*done);
        self->delegate(self->state.pick(), std::move(cmd));
        return caf::delegated<fetch_result>{};
      },
      [self](subscribe_cmd& cmd) { self->delegate(self->state.pick(), std::move(cmd)); },
      [self](connect_cmd& cmd) { self->delegate(self->state.pick(), std::move(cmd)); },
      [self](disconnect_cmd& cmd) { self->delegate(self->state.pick(), std::move(cmd)); },
      [self, metrics](health_event& ev) {
        if (metrics) metrics->set_backend_health(ev.state, ev.reason);
        if (ev.state == self->state.state) return;
        self->state.state = ev.state;
        const char* word = ev.state == health::connected ? "connected"
                           : ev.state == health::retrying ? "retrying"
                                                           : "failed";
        log::write(ev.state == health::connected ? log::level::info : log::level::warn, "backend",
                   std::string(word) + ": " + ev.reason);
      },
  };
}

}  // namespace

caf::actor spawn_backend_connection(caf::local_actor* parent, std::shared_ptr<backend> plugin,
                                    std::size_t workers, std::shared_ptr<runtime_metrics> metrics) {
  return parent->spawn<caf::linked>(backend_connection, std::move(plugin), workers, std::move(metrics));
}

}  // namespace parley
