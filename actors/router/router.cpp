#include "actors/router/router.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <set>

#include "actors/backend_connection/backend_connection.hpp"
#include "actors/messages.hpp"
#include "actors/topic_subscription/topic_subscription.hpp"
#include "src/mcp/protocol.hpp"
#include "src/model/push_decision.hpp"
#include "src/model/seen_set.hpp"
#include "src/util/log.hpp"

namespace parley {

namespace {

/// A long-poll's deadline passed.
struct poll_timeout {
  std::uint64_t poll = 0;
};

}  // namespace
}  // namespace parley

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::poll_timeout)

namespace parley {

namespace {

constexpr auto backend_timeout = std::chrono::seconds(30);
constexpr std::size_t own_ids_kept = 256;

struct session_entry {
  caf::actor handle;
  std::shared_ptr<const session_profile> profile;
  std::set<std::string> topics;
};

/// Per (session, topic): posts in flight and what waits behind them. While a
/// session has a post in flight on a topic, deliveries to it on that topic
/// wait, so its own post is recognized by id however fast the live path is.
struct session_topic {
  int inflight = 0;
  std::deque<std::string> own_ids;
  std::vector<std::pair<message, std::shared_ptr<const std::string>>> held;
};

struct long_poll {
  session_id session = 0;
  fetch_request req;  // req.since advances as empty pages come back
  caf::response_promise rp;
  bool fetching = false;
  bool again = false;
};

struct topic_entry {
  caf::actor sub;
  bool ready = false;
  std::set<session_id> sessions;
  std::vector<std::uint64_t> waiting_joins;
  std::set<std::uint64_t> polls;
  seen_set seen;
};

struct pending_join {
  caf::response_promise rp;
  std::size_t remaining = 0;
  std::optional<error> failure;
};

struct router_state {
  backend_door door;
  router_settings settings;
  std::map<session_id, session_entry> sessions;
  std::map<std::string, topic_entry> topics;
  std::map<std::pair<session_id, std::string>, session_topic> session_topics;
  std::map<std::uint64_t, pending_join> joins;
  std::map<std::uint64_t, long_poll> polls;
  std::uint64_t next_join = 1;
  std::uint64_t next_poll = 1;
  static inline const char* name = "router";
};

using self_ptr = caf::stateful_actor<router_state>*;

topic_entry& ensure_topic(self_ptr self, const std::string& topic) {
  auto& st = self->state;
  auto it = st.topics.find(topic);
  if (it != st.topics.end()) return it->second;
  auto& entry = st.topics[topic];
  entry.sub = spawn_topic_subscription(self, st.door.conn(), topic);
  return entry;
}

/// Stops a topic's subscription once nobody listens or waits on it.
void release_topic(self_ptr self, const std::string& topic) {
  auto& st = self->state;
  auto it = st.topics.find(topic);
  if (it == st.topics.end() || !it->second.sessions.empty() || !it->second.polls.empty() ||
      !it->second.waiting_joins.empty())
    return;
  self->unlink_from(it->second.sub);
  self->send_exit(it->second.sub, caf::exit_reason::user_shutdown);
  st.topics.erase(it);
}

void finish_join(self_ptr self, std::uint64_t join_id, const std::optional<error>& failure) {
  auto& st = self->state;
  auto it = st.joins.find(join_id);
  if (it == st.joins.end()) return;
  if (failure && !it->second.failure) it->second.failure = failure;
  if (--it->second.remaining > 0) return;
  if (it->second.failure)
    it->second.rp.deliver(join_result{*it->second.failure});
  else
    it->second.rp.deliver(join_result{true});
  st.joins.erase(it);
}

void send_delivery(self_ptr self, session_entry& s, session_topic& pst, const message& m,
                   const std::shared_ptr<const std::string>& bytes) {
  const auto& p = *s.profile;
  // Its own post is known by the id the post returned.
  auto own = std::find(pst.own_ids.begin(), pst.own_ids.end(), m.backend_msg_id);
  const bool is_own = own != pst.own_ids.end();
  if (is_own) pst.own_ids.erase(own);
  const bool push =
      should_push(m, push_policy{p.handle, p.mention_filter, p.echo_own_posts}, is_own);
  self->send(s.handle, delivery{m, bytes, push});
}

void deliver_to(self_ptr self, session_id sid, const message& m,
                const std::shared_ptr<const std::string>& bytes) {
  auto& st = self->state;
  auto s = st.sessions.find(sid);
  if (s == st.sessions.end()) return;
  auto& pst = st.session_topics[{sid, m.topic}];
  if (pst.inflight > 0) {
    pst.held.emplace_back(m, bytes);
    return;
  }
  send_delivery(self, s->second, pst, m, bytes);
}

void flush_held(self_ptr self, session_id sid, const std::string& topic) {
  auto& st = self->state;
  auto s = st.sessions.find(sid);
  auto p = st.session_topics.find({sid, topic});
  if (s == st.sessions.end() || p == st.session_topics.end() || p->second.inflight > 0) return;
  auto held = std::move(p->second.held);
  p->second.held.clear();
  for (auto& [m, bytes] : held) send_delivery(self, s->second, p->second, m, bytes);
}

void refetch(self_ptr self, std::uint64_t poll_id);

void answer_poll(self_ptr self, std::uint64_t poll_id, fetch_result r) {
  auto& st = self->state;
  auto it = st.polls.find(poll_id);
  if (it == st.polls.end()) return;
  it->second.rp.deliver(std::move(r));
  const std::string topic = it->second.req.topic;
  st.polls.erase(it);
  if (auto t = st.topics.find(topic); t != st.topics.end()) t->second.polls.erase(poll_id);
  release_topic(self, topic);
}

void refetch(self_ptr self, std::uint64_t poll_id) {
  auto& st = self->state;
  auto it = st.polls.find(poll_id);
  if (it == st.polls.end()) return;
  if (it->second.fetching) {
    it->second.again = true;
    return;
  }
  it->second.fetching = true;
  self->request(st.door.conn(), backend_timeout, fetch_cmd{it->second.req})
      .then(
          [self, poll_id](fetch_result& r) {
            auto poll = self->state.polls.find(poll_id);
            if (poll == self->state.polls.end()) return;
            poll->second.fetching = false;
            if (!r || !r->messages.empty()) {
              answer_poll(self, poll_id, std::move(r));
              return;
            }
            poll->second.req.since = r->next_cursor;
            if (poll->second.again) {
              poll->second.again = false;
              refetch(self, poll_id);
            }
          },
          [self, poll_id](caf::error& err) {
            answer_poll(self, poll_id,
                        fail(errc::backend_unavailable, "fetch timed out: " + self->system().render(err)));
          });
}

/// Starts waiting for the next message of a topic on behalf of a long-poll.
void park(self_ptr self, session_id sid, fetch_request req, caf::response_promise rp,
          std::chrono::milliseconds budget) {
  auto& st = self->state;
  const std::uint64_t id = st.next_poll++;
  const std::string topic = req.topic;
  st.polls[id] = long_poll{sid, std::move(req), std::move(rp), false, false};
  auto& entry = ensure_topic(self, topic);
  entry.polls.insert(id);
  self->delayed_send(self, budget, poll_timeout{id});
  // A message may have landed between the first fetch and now.
  if (entry.ready) refetch(self, id);
}

std::optional<error> check_topic(const session_entry& s, const std::string& topic) {
  if (!s.profile->allow.allows(topic)) return fail(errc::invalid_argument, mcp::topic_not_allowed(topic));
  return std::nullopt;
}

/// Writes a session's post durably, then hands the stored message to the
/// topic's subscription so the other local sessions get it at once.
/// Deliveries to the posting session on that topic wait until the id is
/// known, so its own post is recognized.
caf::result<post_result> post_for(self_ptr self, session_id sid, post_request req) {
  auto& st = self->state;
  const std::string topic = req.topic;
  st.session_topics[{sid, topic}].inflight++;
  auto settle = [self, sid, topic](const post_result* r) {
    auto& pst = self->state.session_topics[{sid, topic}];
    pst.inflight--;
    if (r && *r) {
      pst.own_ids.push_back((*r)->msg.backend_msg_id);
      if (pst.own_ids.size() > own_ids_kept) pst.own_ids.pop_front();
      if (auto t = self->state.topics.find(topic); t != self->state.topics.end())
        self->send(t->second.sub, local_post{**r});
    }
    flush_held(self, sid, topic);
  };
  if (auto done = st.door.try_post(req)) {
    settle(&*done);
    return std::move(*done);
  }
  auto rp = self->make_response_promise();
  self->request(st.door.conn(), backend_timeout, post_cmd{std::move(req)})
      .then(
          [settle, rp](post_result& r) mutable {
            settle(&r);
            rp.deliver(std::move(r));
          },
          [self, settle, rp](caf::error& err) mutable {
            settle(nullptr);
            rp.deliver(post_result{
                fail(errc::backend_unavailable, "post timed out: " + self->system().render(err))});
          });
  return rp;
}

// ---- handlers, one per message the router answers --------------------------

void on_register(self_ptr self, register_session& r) {
  self->monitor(r.session);
  self->state.sessions[r.id] = session_entry{std::move(r.session), std::move(r.profile), {}};
}

void on_unregister(self_ptr self, const unregister_session& u) {
  auto& st = self->state;
  auto s = st.sessions.find(u.id);
  if (s == st.sessions.end()) return;
  const auto topics = s->second.topics;
  st.sessions.erase(s);
  for (auto it = st.session_topics.begin(); it != st.session_topics.end();)
    it = it->first.first == u.id ? st.session_topics.erase(it) : std::next(it);
  std::vector<std::uint64_t> orphan_polls;
  for (const auto& [id, poll] : st.polls)
    if (poll.session == u.id) orphan_polls.push_back(id);
  for (auto id : orphan_polls) answer_poll(self, id, fail(errc::not_connected, "session ended"));
  for (const auto& t : topics) {
    if (auto e = st.topics.find(t); e != st.topics.end()) e->second.sessions.erase(u.id);
    release_topic(self, t);
  }
}

/// A session ended without unregistering (its actor went down).
void on_session_down(self_ptr self, const caf::down_msg& dm) {
  for (const auto& [id, s] : self->state.sessions) {
    if (s.handle.address() == dm.source) {
      caf::anon_send(caf::actor_cast<caf::actor>(self), unregister_session{id});
      return;
    }
  }
}

caf::result<join_result> on_join(self_ptr self, const join_topics& j) {
  auto& st = self->state;
  auto s = st.sessions.find(j.id);
  if (s == st.sessions.end()) return join_result{fail(errc::not_connected, "unknown session")};
  if (j.topics.empty()) return join_result{true};
  auto rp = self->make_response_promise();
  const std::uint64_t join_id = st.next_join++;
  st.joins[join_id] = pending_join{rp, j.topics.size(), std::nullopt};
  for (const auto& t : j.topics) {
    if (t == st.settings.presence_topic) {
      finish_join(self, join_id, fail(errc::invalid_argument, mcp::topic_not_allowed(t)));
      continue;
    }
    auto& entry = ensure_topic(self, t);
    entry.sessions.insert(j.id);
    s->second.topics.insert(t);
    if (entry.ready)
      finish_join(self, join_id, std::nullopt);
    else
      entry.waiting_joins.push_back(join_id);
  }
  return rp;
}

void on_topic_ready(self_ptr self, const topic_ready& r) {
  auto& st = self->state;
  auto it = st.topics.find(r.topic);
  if (it == st.topics.end()) return;
  auto joins = std::move(it->second.waiting_joins);
  it->second.waiting_joins.clear();
  const auto polls = it->second.polls;
  if (r.failure) {
    log::warn("router", "cannot follow topic \"" + r.topic + "\": " + r.failure->message);
    for (auto& [sid, s] : st.sessions) s.topics.erase(r.topic);
    // The subscription already quit; forget the topic so a later join retries.
    st.topics.erase(it);
    for (auto id : joins) finish_join(self, id, r.failure);
    for (auto id : polls) answer_poll(self, id, *r.failure);
    return;
  }
  it->second.ready = true;
  for (auto id : joins) finish_join(self, id, std::nullopt);
  for (auto id : polls) refetch(self, id);
}

void on_topic_batch(self_ptr self, const topic_batch& b) {
  auto& st = self->state;
  auto it = st.topics.find(b.topic);
  if (it == st.topics.end()) return;
  bool fresh = false;
  for (const auto& m : b.messages) {
    if (!it->second.seen.first_seen(m.backend_msg_id)) continue;
    fresh = true;
    // Serialized once; every session writes the same bytes.
    auto bytes = std::make_shared<const std::string>(mcp::channel_notification(m));
    for (auto sid : it->second.sessions) deliver_to(self, sid, m, bytes);
  }
  if (fresh) {
    const auto polls = it->second.polls;
    for (auto id : polls) refetch(self, id);
  }
}

caf::result<post_result> on_tool_post(self_ptr self, tool_post& p) {
  auto s = self->state.sessions.find(p.id);
  if (s == self->state.sessions.end())
    return post_result{fail(errc::not_connected, "unknown session")};
  if (auto bad = check_topic(s->second, p.args.topic)) return post_result{*bad};
  return post_for(self, p.id,
                  post_request{p.args.topic, s->second.profile->handle, std::move(p.args.content),
                               std::move(p.args.in_reply_to)});
}

caf::result<post_result> on_system_post(self_ptr self, system_post& p) {
  auto s = self->state.sessions.find(p.id);
  if (s == self->state.sessions.end())
    return post_result{fail(errc::not_connected, "unknown session")};
  if (!s->second.profile->relay_topic || *s->second.profile->relay_topic != p.topic)
    return post_result{fail(errc::invalid_argument, mcp::topic_not_allowed(p.topic))};
  return post_for(
      self, p.id,
      post_request{p.topic, s->second.profile->handle, std::move(p.content), std::nullopt});
}

/// The first read of a long-poll: answered at once when it has messages (or
/// fails), parked until the topic's next message otherwise.
caf::result<fetch_result> start_long_poll(self_ptr self, session_id sid, fetch_request req,
                                          std::chrono::milliseconds budget) {
  auto rp = self->make_response_promise();
  const auto deadline = std::chrono::steady_clock::now() + budget;
  self->request(self->state.door.conn(), backend_timeout, fetch_cmd{req})
      .then(
          [self, sid, req, rp, deadline](fetch_result& r) mutable {
            if (!r || !r->messages.empty()) {
              rp.deliver(std::move(r));
              return;
            }
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0 || !self->state.sessions.count(sid)) {
              rp.deliver(std::move(r));
              return;
            }
            req.since = r->next_cursor;
            park(self, sid, std::move(req), std::move(rp), left);
          },
          [self, rp](caf::error& err) mutable {
            rp.deliver(fetch_result{
                fail(errc::backend_unavailable, "fetch timed out: " + self->system().render(err))});
          });
  return rp;
}

caf::result<fetch_result> on_tool_fetch(self_ptr self, const tool_fetch& f) {
  auto& st = self->state;
  auto s = st.sessions.find(f.id);
  if (s == st.sessions.end()) return fetch_result{fail(errc::not_connected, "unknown session")};
  if (auto bad = check_topic(s->second, f.args.topic)) return fetch_result{*bad};
  fetch_request req;
  req.topic = f.args.topic;
  if (f.args.since) req.since = cursor{*f.args.since};
  req.limit = static_cast<std::size_t>(f.args.limit.value_or(100));
  const std::int64_t budget =
      std::min<std::int64_t>(f.args.block_ms.value_or(0), s->second.profile->block_max_ms);
  if (budget > 0)
    return start_long_poll(self, f.id, std::move(req), std::chrono::milliseconds(budget));
  self->delegate(st.door.conn(), fetch_cmd{std::move(req)});
  return caf::delegated<fetch_result>{};
}

void on_poll_timeout(self_ptr self, const poll_timeout& t) {
  auto it = self->state.polls.find(t.poll);
  if (it == self->state.polls.end()) return;
  page empty;
  empty.next_cursor = it->second.req.since.value_or(cursor{});
  answer_poll(self, t.poll, fetch_result{std::move(empty)});
}

caf::result<fetch_result> on_roster_fetch(self_ptr self, const roster_fetch& r) {
  auto& st = self->state;
  auto s = st.sessions.find(r.id);
  if (s == st.sessions.end()) return fetch_result{fail(errc::not_connected, "unknown session")};
  if (r.scope)
    if (auto bad = check_topic(s->second, *r.scope)) return fetch_result{*bad};
  fetch_request req;
  req.topic = s->second.profile->presence_topic.empty() ? st.settings.presence_topic
                                                        : s->second.profile->presence_topic;
  req.limit = st.settings.roster_window;
  self->delegate(st.door.conn(), fetch_cmd{std::move(req)});
  return caf::delegated<fetch_result>{};
}

caf::behavior router(self_ptr self, backend_door door, router_settings settings) {
  self->state.door = std::move(door);
  self->state.settings = std::move(settings);
  self->set_down_handler([self](caf::down_msg& dm) { on_session_down(self, dm); });
  return {
      [self](register_session& r) { on_register(self, r); },
      [self](unregister_session& u) { on_unregister(self, u); },
      [self](join_topics& j) { return on_join(self, j); },
      [self](topic_ready& r) { on_topic_ready(self, r); },
      [self](topic_batch& b) { on_topic_batch(self, b); },
      [self](tool_post& p) { return on_tool_post(self, p); },
      [self](system_post& p) { return on_system_post(self, p); },
      [self](tool_fetch& f) { return on_tool_fetch(self, f); },
      [self](poll_timeout& t) { on_poll_timeout(self, t); },
      [self](roster_fetch& r) { return on_roster_fetch(self, r); },
  };
}

}  // namespace

caf::actor spawn_router(caf::local_actor* parent, backend_door door, router_settings settings) {
  return parent->spawn<caf::linked>(router, std::move(door), std::move(settings));
}

}  // namespace parley
