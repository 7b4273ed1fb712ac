// Live deliveries and the on-start catch-up: a restarted session is pushed
// exactly what it missed since its persisted read cursor, once, in order,
// before anything that arrived live meanwhile.
#include <algorithm>
#include <functional>

#include "actors/mcp_session/session_state.hpp"
#include "src/mcp/protocol.hpp"
#include "src/model/push_decision.hpp"
#include "src/util/iso_time.hpp"
#include "src/util/log.hpp"

namespace parley {

namespace {

constexpr std::size_t count_page = 1000;
constexpr int max_count_pages = 10;

void process(session_ptr self, const delivery& d) {
  auto& st = self->state;
  const bool fresh = st.seen[d.msg.topic].first_seen(d.msg.backend_msg_id);
  note_read(self, d.msg);
  if (st.cfg.metrics) st.cfg.metrics->messages_in++;
  if (fresh && d.push) {
    push_event(self, client_notification(self, d.msg, d.notification),
               droppable_event{client_topic(self, d.msg.topic), d.msg.cursor.text});
    if (auto& m = st.cfg.metrics) {
      m->deliveries++;
      if (auto at = parse_iso8601_utc_ms(d.msg.timestamp))
        m->observe_latency_ms(static_cast<double>(now_epoch_ms() - *at));
    }
  }
}

void finish_catchup(session_ptr self, const std::string& topic) {
  auto& st = self->state;
  auto it = st.catching_up.find(topic);
  if (it == st.catching_up.end()) return;
  auto held = std::move(it->second);
  st.catching_up.erase(it);
  for (auto& d : held) handle_delivery(self, std::move(d));
}

/// Whether a message read on catch-up is shown. Its own posts are known by
/// sender, where the backend stores the poster's handle as the sender.
bool shown_on_catchup(session_ptr self, const message& m) {
  const auto& cfg = self->state.cfg;
  const auto& p = *cfg.profile;
  const bool own = cfg.sender_is_identity && m.sender_handle == p.handle;
  return should_push(m, push_policy{p.handle, p.mention_filter, p.echo_own_posts}, own);
}

void fetch(session_ptr self, const std::string& topic, std::optional<std::string> since, std::int64_t limit,
           std::function<void(fetch_result&)> then) {
  mcp::fetch_recent_args args;
  args.topic = topic;
  args.since = std::move(since);
  args.limit = limit;
  self->request(self->state.cfg.router, std::chrono::seconds(60), tool_fetch{self->state.cfg.id, std::move(args)})
      .then([then](fetch_result& r) mutable { then(r); },
            [self, topic](caf::error& err) {
              log::warn("session", "catch-up of \"" + topic + "\" failed: " + self->system().render(err));
              finish_catchup(self, topic);
            });
}

void announce_backlog(session_ptr self, const std::string& backend_name, const std::string& from,
                      std::size_t count, bool at_least) {
  const std::string topic = client_topic(self, backend_name);
  const std::string n = (at_least ? "at least " : "") + std::to_string(count);
  const std::string text = n + " more message" + (count == 1 ? "" : "s") + " on \"" + topic +
                           "\" arrived while this session was away and were not shown. Read them with "
                           "parley_fetch_recent (topic \"" + topic + "\", since \"" + from + "\").";
  push_event(self,
             std::make_shared<const std::string>(mcp::channel_notice(
                 text, {{"topic", topic}, {"kind", "backlog"}, {"since", from}, {"missed", std::to_string(count)}})),
             std::nullopt);
}

void count_rest(session_ptr self, const std::string& topic, std::string from, std::string after,
                std::size_t counted, int pages) {
  fetch(self, topic, after, count_page, [self, topic, from, counted, pages](fetch_result& r) {
    if (!r) {
      announce_backlog(self, topic, from, counted, true);
      finish_catchup(self, topic);
      return;
    }
    // Messages already held as live deliveries will be shown: not backlog.
    std::size_t n = counted;
    auto& held = self->state.catching_up[topic];
    for (const auto& m : r->messages)
      if (std::none_of(held.begin(), held.end(),
                       [&](const delivery& d) { return d.msg.backend_msg_id == m.backend_msg_id; }))
        ++n;
    if (r->messages.size() == count_page && pages + 1 < max_count_pages) {
      count_rest(self, topic, from, r->next_cursor.text, n, pages + 1);
      return;
    }
    if (n > 0) announce_backlog(self, topic, from, n, r->messages.size() == count_page);
    finish_catchup(self, topic);
  });
}

void start_from_tail(session_ptr self, const std::string& topic) {
  // First run: history is for parley_fetch_recent; only what comes next is pushed.
  fetch(self, topic, std::nullopt, 1, [self, topic](fetch_result& r) {
    if (r) {
      auto& st = self->state;
      // The tail only positions the read cursor; it is not marked as seen.
      // What arrives live is what came after the topic's subscription began
      // (the seam's rule), even when the archive already shows it: a person
      // who saw this session enter a room and spoke at once is heard, however
      // the live copy and this read race.
      st.read_cursors[topic] = r->next_cursor.text;
      st.dirty_cursors[topic] = r->next_cursor.text;
    } else {
      log::warn("session", "cannot read the tail of \"" + topic + "\": " + r.error().message);
    }
    finish_catchup(self, topic);
  });
}

void catch_up_topic(session_ptr self, const std::string& topic) {
  auto& st = self->state;
  auto cursor = st.read_cursors.find(topic);
  if (cursor == st.read_cursors.end()) {
    start_from_tail(self, topic);
    return;
  }
  const std::int64_t limit = st.cfg.catchup_limit;
  fetch(self, topic, cursor->second, limit, [self, topic, limit](fetch_result& r) {
    auto& state = self->state;
    if (!r) {
      if (r.error().code == errc::malformed_cursor) {
        log::warn("session", "stored cursor of \"" + topic + "\" is not valid here (" + r.error().message +
                                 "); starting from the newest message");
        state.read_cursors.erase(topic);
        start_from_tail(self, topic);
        return;
      }
      log::warn("session", "catch-up of \"" + topic + "\" failed: " + r.error().message);
      finish_catchup(self, topic);
      return;
    }
    for (const auto& m : r->messages) {
      if (!state.seen[topic].first_seen(m.backend_msg_id)) continue;
      note_read(self, m);
      if (shown_on_catchup(self, m))
        push_event(self, client_notification(self, m, nullptr), droppable_event{client_topic(self, m.topic), m.cursor.text});
    }
    if (static_cast<std::int64_t>(r->messages.size()) >= limit) {
      count_rest(self, topic, r->next_cursor.text, r->next_cursor.text, 0, 0);
      return;
    }
    finish_catchup(self, topic);
  });
}

}  // namespace

void start_catchup(session_ptr self, const std::vector<std::string>& topics) {
  auto& st = self->state;
  for (const auto& t : topics) st.catching_up[t];
  for (const auto& t : topics) {
    if (st.cfg.catchup_on_start)
      catch_up_topic(self, t);
    else
      start_from_tail(self, t);
  }
}

void handle_delivery(session_ptr self, delivery d) {
  auto& st = self->state;
  const auto& relay = st.cfg.profile->relay_topic;
  if (relay && d.msg.topic == *relay) {
    if (handle_relay_message(self, d)) return;
    // The relay topic is listened to for verdicts; its chat is shown only
    // when it is also one of the session's topics.
    if (!st.cfg.profile->allow.is_explicit(d.msg.topic) || !st.cfg.live_push) return;
  }
  if (auto it = st.catching_up.find(d.msg.topic); it != st.catching_up.end()) {
    it->second.push_back(std::move(d));
    return;
  }
  process(self, d);
}

}  // namespace parley
