// The xmpp_link's work on rooms: entering them, posting, reading archives,
// and the stanza handlers that answer each. All of it runs on the link thread.
#include <cstring>

#include "backends/xmpp/room_names.hpp"
#include "backends/xmpp/xmpp_link.hpp"
#include "src/util/log.hpp"

namespace parley::xmpp {

namespace {

constexpr const char* component = "xmpp";

/// The condition of an error stanza (`item-not-found`), "" without one.
std::string error_condition(xmpp_stanza_t* s) {
  auto* err = xmpp_stanza_get_child_by_name(s, "error");
  if (err == nullptr) return {};
  for (auto* c = xmpp_stanza_get_children(err); c != nullptr; c = xmpp_stanza_get_next(c)) {
    const char* n = xmpp_stanza_get_ns(c);
    const char* name = xmpp_stanza_get_name(c);
    if (n != nullptr && name != nullptr && std::strcmp(n, ns::stanzas) == 0 && std::strcmp(name, "text") != 0)
      return name;
  }
  return "undefined-condition";
}

bool has_status(xmpp_stanza_t* presence, const char* code) {
  auto* x = xmpp_stanza_get_child_by_name_and_ns(presence, "x", ns::muc_user);
  for (auto* c = x == nullptr ? nullptr : xmpp_stanza_get_children(x); c != nullptr; c = xmpp_stanza_get_next(c)) {
    const char* name = xmpp_stanza_get_name(c);
    if (name != nullptr && std::strcmp(name, "status") == 0 && attribute(c, "code") == code) return true;
  }
  return false;
}

/// A room's answer worth another try: the room service may still be
/// starting, or the room being created by someone else.
bool transient_join_error(const std::string& condition) {
  return condition == "item-not-found" || condition == "recipient-unavailable" ||
         condition == "remote-server-not-found";
}

constexpr int max_join_attempts = 8;

}  // namespace

error xmpp_link::offline_error() const {
  if (stopping_.load()) return fail(errc::not_connected, "the XMPP backend is disconnected");
  return fail(errc::backend_unavailable, "XMPP server " + cfg_.describe() + " unreachable; retrying");
}

void xmpp_link::enter(const std::string& jid, std::function<void(result<void>)> done) {
  submit([this, jid, done = std::move(done)]() mutable {
    if (!online_.load())
      return done(offline_error());
    auto& r = rooms_[jid];
    if (r.state == room_state::in) return done({});
    r.waiters.push_back(std::move(done));
    if (r.state == room_state::out) {
      r.attempts = 0;
      send_join(jid, r);
    }
  });
}

void xmpp_link::keep(const std::string& jid, bool wanted) {
  submit([this, jid, wanted] { rooms_[jid].wanted = wanted; });
}

void xmpp_link::send_join(const std::string& jid, room_entry& r) {
  r.state = room_state::entering;
  r.deadline = clock::now() + std::chrono::milliseconds(cfg_.timeout_ms);
  ++r.attempts;
  send(join_presence(ctx_, jid, cfg_.nick));
}

void xmpp_link::finish_join(const std::string& jid, room_entry& r, result<void> outcome) {
  r.state = outcome ? room_state::in : room_state::out;
  auto waiters = std::move(r.waiters);
  r.waiters.clear();
  for (auto& w : waiters) w(outcome);
  if (outcome && r.lost_before) {
    r.lost_before = false;
    if (ev_.reentered) ev_.reentered(jid);
  }
}

void xmpp_link::lose_room(const std::string& jid, const std::string& why) {
  auto it = rooms_.find(jid);
  if (it == rooms_.end()) return;
  auto& r = it->second;
  log::warn(component, "no longer in room " + jid + " (" + why + ")" + (r.wanted ? "; entering it again" : ""));
  r.state = room_state::out;
  if (r.wanted && online_.load()) {
    r.lost_before = true;
    r.attempts = 0;
    send_join(jid, r);
  }
}

int xmpp_link::on_presence(xmpp_stanza_t* s) {
  const auto from = attribute(s, "from");
  auto it = rooms_.find(bare_of(from));
  if (it == rooms_.end()) return 1;
  auto& r = it->second;
  const auto type = attribute(s, "type");
  const bool self = resource_of(from) == cfg_.nick || has_status(s, "110");
  if (type == "error") {
    if (r.state == room_state::entering) join_error(it->first, r, s);
    return 1;
  }
  if (!self) return 1;
  if (type == "unavailable") {
    lose_room(it->first, "the room removed us");
  } else if (r.state == room_state::entering) {
    joined_presence(it->first, r, s);
  }
  return 1;
}

void xmpp_link::joined_presence(const std::string& jid, room_entry& r, xmpp_stanza_t* s) {
  if (!has_status(s, "201")) return finish_join(jid, r, {});
  // We created the room: it stays locked until configured. Accept the
  // defaults (an "instant room"), then the room is ours to post in.
  const auto id = next_id("cfg-");
  iq_waiters_[id] = [this, jid](xmpp_stanza_t* answer) {
    auto it = rooms_.find(jid);
    if (it == rooms_.end()) return;
    if (answer != nullptr && attribute(answer, "type") == "result") return finish_join(jid, it->second, {});
    finish_join(jid, it->second,
                fail(errc::backend_unavailable, "could not configure the new room " + jid + ": " +
                                                    (answer == nullptr ? "no answer" : error_condition(answer))));
  };
  send(instant_room_config(ctx_, jid, id));
}

void xmpp_link::join_error(const std::string& jid, room_entry& r, xmpp_stanza_t* s) {
  const auto condition = error_condition(s);
  if (transient_join_error(condition) && r.attempts < max_join_attempts) {
    r.state = room_state::entering;
    timers_.push_back({clock::now() + std::chrono::milliseconds(100 + 100 * r.attempts), [this, jid] {
                         auto it = rooms_.find(jid);
                         if (it != rooms_.end() && it->second.state == room_state::entering && online_.load())
                           send_join(jid, it->second);
                       }});
    return;
  }
  std::string hint;
  if (condition == "conflict") hint = " (the nick " + cfg_.nick + " is taken there: set another nick)";
  if (condition == "registration-required" || condition == "forbidden" || condition == "not-authorized")
    hint = " (the room admits members only: ask its owner to add " + cfg_.jid() + ")";
  if (condition == "item-not-found" || condition == "remote-server-not-found" || condition == "not-allowed")
    hint = " (check muc_service; a room someone just created stays locked until they configure it)";
  finish_join(jid, r, fail(errc::backend_unavailable, "could not enter room " + jid + ": " + condition + hint));
}

void xmpp_link::post(outgoing_post p, std::function<void(result<room_message>)> done) {
  submit([this, p = std::move(p), done = std::move(done)]() mutable {
    if (!online_.load())
      return done(offline_error());
    p.origin_id = next_id("o-");
    auto s = groupchat(ctx_, p);
    const auto size = serialized_size(s.get());
    if (size > static_cast<std::size_t>(cfg_.max_stanza_bytes))
      return done(fail(errc::payload_too_large, "the post is " + std::to_string(size) +
                                                    " bytes as a stanza; the server takes at most " +
                                                    std::to_string(cfg_.max_stanza_bytes) + " (max_stanza_bytes)"));
    posts_[p.origin_id] = {p.room, std::move(done), clock::now() + std::chrono::milliseconds(cfg_.timeout_ms)};
    send(std::move(s));
  });
}

void xmpp_link::query(const std::string& jid, archive_page page, std::function<void(result<archive_result>)> done) {
  submit([this, jid, page = std::move(page), done = std::move(done)]() mutable {
    if (!online_.load())
      return done(offline_error());
    const auto iq_id = next_id("mam-");
    const auto qid = next_id("q-");
    query_by_qid_[qid] = iq_id;
    queries_[iq_id] = {jid, qid, {}, std::move(done), clock::now() + std::chrono::milliseconds(cfg_.timeout_ms)};
    send(archive_query(ctx_, jid, iq_id, qid, page));
  });
}

int xmpp_link::on_message(xmpp_stanza_t* s) {
  if (auto* result = xmpp_stanza_get_child_by_name_and_ns(s, "result", ns::mam)) {
    auto q = query_by_qid_.find(attribute(result, "queryid"));
    if (q == query_by_qid_.end()) return 1;
    auto& pending = queries_[q->second];
    std::string why;
    if (auto m = read_archived(s, pending.room, pending.query_id, why)) {
      pending.page.messages.push_back(std::move(*m));
    } else {
      log::warn(component, "skipped an archive result for " + pending.room + ": " + why);
    }
    return 1;
  }
  const auto type = attribute(s, "type");
  if (type == "error") {
    auto it = posts_.find(attribute(s, "id"));
    if (it == posts_.end()) return 1;
    auto done = std::move(it->second.done);
    const auto room = it->second.room;
    posts_.erase(it);
    done(fail(errc::backend_unavailable, "room " + room + " refused the post: " + error_condition(s)));
    if (error_condition(s) == "not-acceptable") lose_room(room, "the room says we are not in it");
    return 1;
  }
  std::string why;
  auto m = read_live(s, why);
  if (!m) {
    if (type == "groupchat") log::debug(component, "skipped a groupchat message: " + why);
    return 1;
  }
  // Live first: whoever listened when the post was made hears it before the
  // poster is answered, and a listener added after the answer never does.
  if (ev_.live) ev_.live(*m);
  if (auto it = posts_.find(m->origin_id); !m->origin_id.empty() && it != posts_.end() && it->second.room == m->room &&
                                            m->nick == cfg_.nick) {
    auto done = std::move(it->second.done);
    posts_.erase(it);
    done(*m);
  }
  return 1;
}

int xmpp_link::on_iq(xmpp_stanza_t* s) {
  const auto id = attribute(s, "id");
  const auto type = attribute(s, "type");
  if (type != "result" && type != "error") return 1;
  if (queries_.count(id) != 0) {
    on_archive_fin(id, s);
    return 1;
  }
  if (auto it = iq_waiters_.find(id); it != iq_waiters_.end()) {
    auto fn = std::move(it->second);
    iq_waiters_.erase(it);
    fn(s);
  }
  return 1;
}

void xmpp_link::on_archive_fin(const std::string& iq_id, xmpp_stanza_t* s) {
  auto node = queries_.extract(iq_id);
  auto& q = node.mapped();
  query_by_qid_.erase(q.query_id);
  if (attribute(s, "type") == "error") {
    const auto condition = error_condition(s);
    if (condition == "item-not-found")
      return q.done(fail(errc::malformed_cursor, "the archive of " + q.room + " has no message with that id"));
    const bool no_archive = condition == "feature-not-implemented" || condition == "service-unavailable";
    return q.done(fail(errc::backend_unavailable,
                       "archive query to " + q.room + " failed: " + condition +
                           (no_archive ? " (the room keeps no archive: enable MAM for rooms, e.g. Prosody's muc_mam)"
                                       : "")));
  }
  auto* fin = xmpp_stanza_get_child_by_name_and_ns(s, "fin", ns::mam);
  q.page.complete = fin != nullptr && (attribute(fin, "complete") == "true" || attribute(fin, "complete") == "1");
  q.done(std::move(q.page));
}

void xmpp_link::self_ping_all() {
  for (auto& [jid, r] : rooms_) {
    if (!r.wanted || r.state != room_state::in) continue;
    const auto id = next_id("ping-");
    iq_waiters_[id] = [this, jid = jid](xmpp_stanza_t* answer) {
      if (answer == nullptr || attribute(answer, "type") == "result") return;
      // XEP-0410: only these say we are not (or no longer) an occupant;
      // others (service-unavailable, feature-not-implemented) say we are.
      const auto c = error_condition(answer);
      if (c == "not-acceptable" || c == "item-not-found") lose_room(jid, "self-ping: " + c);
    };
    send(self_ping(ctx_, jid + "/" + cfg_.nick, id));
  }
}

void xmpp_link::expire(clock::time_point now) {
  for (auto it = posts_.begin(); it != posts_.end();) {
    if (it->second.deadline > now) {
      ++it;
      continue;
    }
    auto done = std::move(it->second.done);
    const auto room = it->second.room;
    it = posts_.erase(it);
    done(fail(errc::backend_unavailable, "post reflection timeout in " + room));
  }
  for (auto it = queries_.begin(); it != queries_.end();) {
    if (it->second.deadline > now) {
      ++it;
      continue;
    }
    auto done = std::move(it->second.done);
    const auto room = it->second.room;
    query_by_qid_.erase(it->second.query_id);
    it = queries_.erase(it);
    done(fail(errc::backend_unavailable, "archive query timeout in " + room));
  }
  for (auto& [jid, r] : rooms_) {
    if (r.state == room_state::entering && r.deadline <= now)
      finish_join(jid, r, fail(errc::backend_unavailable, "join timeout in " + jid));
  }
}

void xmpp_link::fail_all(const std::string& why) {
  auto posts = std::move(posts_);
  posts_.clear();
  for (auto& [id, p] : posts) p.done(fail(errc::backend_unavailable, why));
  auto queries = std::move(queries_);
  queries_.clear();
  query_by_qid_.clear();
  for (auto& [id, q] : queries) q.done(fail(errc::backend_unavailable, why));
  iq_waiters_.clear();
  for (auto& [jid, r] : rooms_) {
    if (r.state == room_state::entering) finish_join(jid, r, fail(errc::backend_unavailable, why));
    r.state = room_state::out;
  }
}

}  // namespace parley::xmpp
