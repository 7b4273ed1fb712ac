#include "actors/topic_subscription/topic_subscription.hpp"

#include <caf/all.hpp>

#include <chrono>
#include <unordered_set>

#include "actors/messages.hpp"
#include "src/util/log.hpp"

namespace parley {

namespace {

/// A failed catch-up's retry is due.
struct drain_retry {};

}  // namespace
}  // namespace parley

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::drain_retry)

namespace parley {

namespace {

constexpr std::size_t drain_page = 512;
constexpr auto backend_timeout = std::chrono::seconds(30);
constexpr auto retry_delay = std::chrono::seconds(1);

struct topic_subscription_state {
  std::string topic;
  caf::actor backend_conn;
  caf::actor router;
  live_handle live;
  /// Cursor of the last message forwarded (or the tail when subscribing).
  std::optional<cursor> last;
  bool ready = false;
  bool draining = false;
  bool drain_again = false;
  /// Live messages that arrived before ready or during a drain.
  std::vector<message> held;
  /// Ids forwarded by the current drain, to drop their live twins.
  std::unordered_set<std::string> drained_ids;
  static inline const char* name = "topic_subscription";
};

using self_ptr = caf::stateful_actor<topic_subscription_state>*;

void forward(self_ptr self, std::vector<message> batch) {
  if (batch.empty()) return;
  self->state.last = batch.back().cursor;
  self->send(self->state.router, topic_batch{self->state.topic, std::move(batch)});
}

void flush_held(self_ptr self) {
  auto& st = self->state;
  std::vector<message> out;
  for (auto& m : st.held)
    if (!st.drained_ids.count(m.backend_msg_id)) out.push_back(std::move(m));
  st.held.clear();
  st.drained_ids.clear();
  forward(self, std::move(out));
}

void drain(self_ptr self) {
  auto& st = self->state;
  if (!st.ready) {
    st.drain_again = true;
    return;
  }
  if (st.draining) {
    st.drain_again = true;
    return;
  }
  st.draining = true;
  fetch_request req;
  req.topic = st.topic;
  req.since = st.last;
  req.limit = drain_page;
  self->request(st.backend_conn, backend_timeout, fetch_cmd{std::move(req)})
      .then(
          [self](fetch_result& r) {
            auto& state = self->state;
            if (!r) {
              log::warn("subscription", "catch-up of topic \"" + state.topic + "\" failed: " +
                                            r.error().message + "; retrying");
              state.draining = false;
              self->delayed_send(self, retry_delay, drain_retry{});
              return;
            }
            const bool full = r->messages.size() == drain_page;
            for (const auto& m : r->messages) state.drained_ids.insert(m.backend_msg_id);
            forward(self, std::move(r->messages));
            state.draining = false;
            if (full) {
              drain(self);
              return;
            }
            flush_held(self);
            if (state.drain_again) {
              state.drain_again = false;
              drain(self);
            }
          },
          [self](caf::error& err) {
            self->state.draining = false;
            log::warn("subscription", "catch-up of topic \"" + self->state.topic +
                                          "\" timed out: " + self->system().render(err));
            self->delayed_send(self, retry_delay, drain_retry{});
          });
}

/// A local post, stored: forwarded at once when it directly follows the
/// last message forwarded (nothing can be missing in between), else read
/// from storage with whatever came before it.
void take_local_post(self_ptr self, stored_post& p) {
  auto& st = self->state;
  if (st.ready && !st.draining && p.previous && st.last && *p.previous == *st.last) {
    forward(self, {std::move(p.msg)});
    return;
  }
  drain(self);
}

void become_ready(self_ptr self) {
  auto& st = self->state;
  st.ready = true;
  self->send(st.router, topic_ready{st.topic, std::nullopt});
  flush_held(self);
  if (st.drain_again) {
    st.drain_again = false;
    drain(self);
  }
}

void report_failure(self_ptr self, error err) {
  self->send(self->state.router, topic_ready{self->state.topic, std::move(err)});
  self->quit();
}

caf::behavior topic_subscription(self_ptr self, caf::actor backend_conn, caf::actor router,
                                 std::string topic) {
  auto& st = self->state;
  st.topic = std::move(topic);
  st.backend_conn = std::move(backend_conn);
  st.router = std::move(router);
  caf::actor me = caf::actor_cast<caf::actor>(self);
  self->request(st.backend_conn, backend_timeout, subscribe_cmd{st.topic, me})
      .then(
          [self](subscribe_result& r) {
            if (!r) {
              report_failure(self, r.error());
              return;
            }
            self->state.live = std::move(*r);
            // The tail is where a gap-fill starts if nothing arrives live
            // before the first gap.
            fetch_request tail;
            tail.topic = self->state.topic;
            tail.limit = 1;
            self->request(self->state.backend_conn, backend_timeout, fetch_cmd{std::move(tail)})
                .then(
                    [self](fetch_result& p) {
                      if (!p) {
                        report_failure(self, p.error());
                        return;
                      }
                      if (!self->state.last) self->state.last = p->next_cursor;
                      become_ready(self);
                    },
                    [self](caf::error& err) {
                      report_failure(self, fail(errc::backend_unavailable, self->system().render(err)));
                    });
          },
          [self](caf::error& err) {
            report_failure(self, fail(errc::backend_unavailable, self->system().render(err)));
          });
  return {
      [self](live_message& m) {
        auto& state = self->state;
        if (!state.ready || state.draining) {
          state.held.push_back(std::move(m.msg));
          return;
        }
        forward(self, {std::move(m.msg)});
      },
      [self](live_gap&) { drain(self); },
      [self](local_post& p) { take_local_post(self, p.stored); },
      [self](drain_retry&) { drain(self); },
  };
}

}  // namespace

caf::actor spawn_topic_subscription(caf::local_actor* router, caf::actor backend_conn,
                                    std::string topic) {
  caf::actor r = caf::actor_cast<caf::actor>(router);
  return router->spawn<caf::linked>(topic_subscription, std::move(backend_conn), std::move(r),
                                    std::move(topic));
}

}  // namespace parley
