#include "actors/presence_heartbeat/presence_heartbeat.hpp"

#include <caf/all.hpp>

#include <chrono>

#include "actors/messages.hpp"
#include "src/presence/presence_record.hpp"
#include "src/util/iso_time.hpp"
#include "src/util/log.hpp"

namespace parley {
namespace {
struct presence_tick {};
}  // namespace
}  // namespace parley

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::presence_tick)

namespace parley {

namespace {

constexpr auto beat_timeout = std::chrono::seconds(5);

struct presence_state {
  presence_settings settings;
  caf::actor backend_conn;
  std::string instance_id;
  bool in_flight = false;
  std::optional<presence::beat_kind> pending;
  std::optional<caf::response_promise> stop_promise;
  bool goodbye_sent = false;
  static inline const char* name = "presence_heartbeat";
};

using self_ptr = caf::stateful_actor<presence_state>*;

void beat(self_ptr self, presence::beat_kind kind);

void beat_done(self_ptr self, presence::beat_kind kind) {
  auto& st = self->state;
  st.in_flight = false;
  if (kind == presence::beat_kind::goodbye) {
    if (st.stop_promise) st.stop_promise->deliver(shutdown_done{});
    self->quit();
    return;
  }
  if (st.pending) {
    auto next = *st.pending;
    st.pending.reset();
    beat(self, next);
  }
}

void beat(self_ptr self, presence::beat_kind kind) {
  auto& st = self->state;
  if (st.goodbye_sent) return;
  if (st.in_flight) {
    // Only the latest wish counts, and goodbye outranks a heartbeat.
    if (!st.pending || *st.pending != presence::beat_kind::goodbye) st.pending = kind;
    return;
  }
  if (kind == presence::beat_kind::goodbye) st.goodbye_sent = true;
  st.in_flight = true;
  presence::record r{kind, now_epoch_ms(), st.settings.topics, st.settings.post_topics, st.instance_id};
  post_request req{st.settings.topic, st.settings.handle, presence::encode(r), std::nullopt};
  self->request(st.backend_conn, beat_timeout, post_cmd{std::move(req)})
      .then(
          [self, kind](post_result& res) {
            if (!res) log::warn("presence", "beat not posted: " + res.error().message);
            beat_done(self, kind);
          },
          [self, kind](caf::error& err) {
            log::warn("presence", "beat timed out: " + self->system().render(err));
            beat_done(self, kind);
          });
}

caf::behavior presence_heartbeat(self_ptr self, caf::actor backend_conn, presence_settings settings) {
  auto& st = self->state;
  st.settings = std::move(settings);
  st.backend_conn = std::move(backend_conn);
  st.instance_id = presence::new_instance_id();
  beat(self, presence::beat_kind::hello);
  self->delayed_send(self, std::chrono::milliseconds(st.settings.heartbeat_ms), presence_tick{});
  return {
      [self](presence_tick) {
        beat(self, presence::beat_kind::heartbeat);
        self->delayed_send(self, std::chrono::milliseconds(self->state.settings.heartbeat_ms),
                           presence_tick{});
      },
      [self](presence_stop) -> caf::result<shutdown_done> {
        auto rp = self->make_response_promise();
        self->state.stop_promise = rp;
        if (self->state.goodbye_sent && !self->state.in_flight) {
          self->quit();
          return shutdown_done{};
        }
        beat(self, presence::beat_kind::goodbye);
        return rp;
      },
  };
}

}  // namespace

caf::actor spawn_presence_heartbeat(caf::local_actor* session, caf::actor backend_conn,
                                    presence_settings settings) {
  return session->spawn<caf::linked>(presence_heartbeat, std::move(backend_conn), std::move(settings));
}

}  // namespace parley
