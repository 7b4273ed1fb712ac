#include "actors/nats_agent/nats_agent.hpp"

#include <caf/all.hpp>

#include <chrono>
#include <deque>
#include <map>

#include "src/json/writer.hpp"
#include "src/mcp/protocol.hpp"
#include "actors/messages.hpp"
#include "actors/nats_agent/agent_control.hpp"
#include "src/nats_agent/attachment_staging.hpp"
#include "src/nats_agent/collision.hpp"
#include "src/nats_agent/heartbeat.hpp"
#include "src/nats_agent/max_payload.hpp"
#include "src/nats_agent/micro_service.hpp"
#include "src/nats_agent/permission_query.hpp"
#include "src/nats_agent/prompt_envelope.hpp"
#include "src/nats_agent/subjects.hpp"
#include "src/util/iso_time.hpp"
#include "src/util/log.hpp"

namespace parley::agent_timers {

struct probe_done {};
struct heartbeat_tick {};
struct keepalive_tick {
  std::string request_id;
};
struct sweep_tick {};
struct query_timeout {
  int tag = 0;
};

}  // namespace parley::agent_timers

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::agent_timers::probe_done)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::agent_timers::heartbeat_tick)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::agent_timers::keepalive_tick)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::agent_timers::sweep_tick)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::agent_timers::query_timeout)

namespace parley {

namespace {

using namespace nats_agent;
using namespace agent_timers;
using clock_type = std::chrono::steady_clock;

// Subscription tags; permission query inboxes count up from query_tag_base.
constexpr int srv_tag = 1;
constexpr int prompt_tag = 2;
constexpr int status_tag = 3;
constexpr int probe_tag = 4;
constexpr int query_tag_base = 100;

/// How long the start-up `$SRV.INFO` probe collects replies, and how many.
constexpr auto probe_window = std::chrono::milliseconds(1000);
constexpr std::size_t probe_max_replies = 50;


/// One prompt between its arrival and its terminator.
struct nats_request {
  std::string id;
  std::string reply;
  prompt body;
  staged_attachments staged;
  clock_type::time_point arrived = clock_type::now();
  bool active = false;
};

/// A permission question waiting on the caller's inbox.
struct open_query {
  std::string permission_id;
  std::unique_ptr<nats_subscription> inbox;
};

struct agent_state {
  nats_agent_settings cfg;
  caf::actor session;
  std::uint64_t limit = default_max_payload;

  // Start-up.
  std::unique_ptr<nats_subscription> probe_sub;
  std::set<std::string> taken;
  std::size_t probe_replies = 0;
  bool registered = false;

  identity id;
  service_descriptor service;
  std::vector<endpoint_stats> stats;
  std::int64_t started_ms = 0;
  std::int64_t created_ms = now_epoch_ms();
  std::int64_t last_activity_ms = now_epoch_ms();
  std::vector<std::unique_ptr<nats_subscription>> subs;

  std::deque<nats_request> requests;  // front() is the active one, if any
  std::uint64_t next_request = 1;
  std::map<int, open_query> queries;
  int next_query_tag = query_tag_base;
  bool stopping = false;
  static inline const char* name = "nats_agent";
};

using agent_ptr = caf::stateful_actor<agent_state>*;

heartbeat current_heartbeat(const agent_state& st) {
  return make_heartbeat(st.id, st.service.id, st.cfg.cfg.heartbeat_s);
}

session_state current_state(const agent_state& st) {
  session_state s;
  s.busy = !st.requests.empty() && st.requests.front().active;
  s.queue_length = st.requests.empty() ? 0 : st.requests.size() - (s.busy ? 1 : 0);
  s.handle = st.cfg.handle;
  s.topics = st.cfg.topics;
  return s;
}

void report_summary(agent_ptr self) {
  auto& st = self->state;
  if (!st.cfg.control || !st.registered) return;
  session_summary sum;
  sum.session_id = st.id.session;
  sum.agent = st.id.agent;
  sum.owner = st.id.owner;
  sum.instance_id = st.service.id;
  sum.subject = prompt_subject(st.id);
  sum.status_subject = status_subject(st.id);
  sum.heartbeat_subject = heartbeat_subject(st.id);
  sum.state = current_state(st);
  sum.created_epoch_ms = st.created_ms;
  sum.last_activity_epoch_ms = st.last_activity_ms;
  self->send(st.cfg.control, agent_summary{caf::actor_cast<caf::actor>(self), std::move(sum)});
}

std::chrono::nanoseconds elapsed_since(clock_type::time_point t) { return clock_type::now() - t; }

void publish_frames(agent_ptr self, const std::string& reply, const std::vector<frame>& frames) {
  for (const auto& f : frames) self->state.cfg.link->publish(reply, f);
}

// ---- requests ----------------------------------------------------------------

nats_request* find_request(agent_state& st, const std::string& id) {
  for (auto& r : st.requests)
    if (r.id == id) return &r;
  return nullptr;
}

void schedule_keepalive(agent_ptr self, const std::string& id) {
  self->delayed_send(self, std::chrono::seconds(self->state.cfg.cfg.keepalive_s), keepalive_tick{id});
}

/// Shows the next request to the session, if none is active.
void activate_next(agent_ptr self) {
  auto& st = self->state;
  if (st.requests.empty() || st.requests.front().active || st.stopping) return;
  auto& r = st.requests.front();
  r.active = true;
  std::vector<std::pair<std::string, std::string>> meta{
      {"request_id", r.id}, {"source", "nats"}, {"session", st.id.session}, {"ts", iso8601_now()}};
  // Self-declared and unauthenticated: shown as a name, never trusted.
  if (r.body.from) meta.emplace_back("from", *r.body.from);
  auto json = mcp::channel_notice(channel_content(r.body.text, r.staged.paths), meta);
  self->send(st.session, agent_prompt{std::make_shared<const std::string>(std::move(json))});
  report_summary(self);
}

/// Ends a request: its files go, its keep-alive stops (the tick finds it
/// gone), the next one starts.
void finish_request(agent_ptr self, const std::string& id) {
  auto& st = self->state;
  for (auto it = st.requests.begin(); it != st.requests.end(); ++it) {
    if (it->id != id) continue;
    if (auto removed = remove_staged(it->staged); !removed)
      log::warn("nats_agent", "request " + id + ": " + removed.error().message);
    st.requests.erase(it);
    break;
  }
  st.last_activity_ms = now_epoch_ms();
  activate_next(self);
  report_summary(self);
}

void fail_request(agent_ptr self, nats_request& r, const service_error& err) {
  auto& st = self->state;
  publish_frames(self, r.reply, error_then_terminator(err));
  st.stats[prompt_endpoint_index].record_error(elapsed_since(r.arrived), err.code, err.description);
}

void handle_prompt(agent_ptr self, nats_inbound& in) {
  auto& st = self->state;
  if (in.reply.empty() || st.stopping) return;  // nobody to answer
  const auto arrived = clock_type::now();
  auto decoded = decode_prompt(in.data, prompt_limits{st.limit, st.cfg.cfg.attachments_ok, true});
  if (!decoded) {
    publish_frames(self, in.reply, error_then_terminator(decoded.error()));
    st.stats[prompt_endpoint_index].record_error(elapsed_since(arrived), decoded.error().code,
                                                 decoded.error().description);
    return;
  }
  // Accepted: the caller hears from us at once, even if the work waits.
  st.cfg.link->publish(in.reply, ack_chunk);
  nats_request r;
  r.id = std::to_string(st.next_request++);
  r.reply = std::move(in.reply);
  r.arrived = arrived;
  r.body = std::move(*decoded);
  if (!r.body.attachments.empty()) {
    auto staged = stage_attachments(st.cfg.state_dir, st.id.session + "-" + r.id, r.body.attachments);
    if (!staged) {
      log::error("nats_agent", "request " + r.id + ": " + staged.error().message);
      fail_request(self, r, make_service_error(code_internal, "cannot stage attachments"));
      return;
    }
    r.staged = std::move(*staged);
    r.body.attachments.clear();  // on disk now; no need to hold the bytes
  }
  const auto id = r.id;
  st.requests.push_back(std::move(r));
  st.last_activity_ms = now_epoch_ms();
  schedule_keepalive(self, id);
  activate_next(self);
  report_summary(self);
}

done_result handle_reply(agent_ptr self, const mcp::nats_reply_args& a) {
  auto& st = self->state;
  auto* r = find_request(st, a.request_id);
  if (!r)
    return fail(errc::invalid_argument, "reply failed: no pending request with id " + a.request_id +
                                            " — it may have expired or been answered");
  if (!a.text.empty()) {
    auto chunks = split_response(a.text, st.limit);
    if (!chunks) return chunks.error();
    for (auto& c : *chunks) st.cfg.link->publish(r->reply, std::string_view(c));
  }
  st.last_activity_ms = now_epoch_ms();
  if (a.done) {
    st.cfg.link->publish(r->reply, terminator_frame());
    st.stats[prompt_endpoint_index].record_success(elapsed_since(r->arrived));
    finish_request(self, a.request_id);
  }
  return true;
}

// ---- permission queries ---------------------------------------------------------

bool ask_permission(agent_ptr self, const mcp::permission_request& req) {
  auto& st = self->state;
  if (st.requests.empty() || !st.requests.front().active || st.stopping) return false;
  const auto& active = st.requests.front();
  const int tag = st.next_query_tag++;
  const auto inbox = st.cfg.link->new_inbox();
  auto sub = inbox.empty() ? result<std::unique_ptr<nats_subscription>>(fail(errc::internal, "no inbox"))
                           : st.cfg.link->subscribe(inbox, "", caf::actor_cast<caf::actor>(self), tag);
  if (!sub) {
    log::warn("nats_agent", "cannot relay a permission request: " + sub.error().message);
    return false;
  }
  st.queries[tag] = open_query{req.request_id, std::move(*sub)};
  // No flush between SUB and PUB: the server handles one connection's
  // messages in order, so the inbox exists before the caller sees the query.
  st.cfg.link->publish(active.reply,
                       std::string_view(query_chunk(req.request_id, inbox,
                                                    permission_query_prompt(req.tool_name, req.description,
                                                                            req.input_preview))));
  self->delayed_send(self, std::chrono::seconds(st.cfg.cfg.query_timeout_s), query_timeout{tag});
  return true;
}

void settle_query(agent_ptr self, int tag, bool allow, const char* why) {
  auto& st = self->state;
  auto it = st.queries.find(tag);
  if (it == st.queries.end()) return;
  log::info("nats_agent", "permission " + it->second.permission_id + (allow ? " allowed" : " denied") + why);
  self->send(st.session, agent_permission_verdict{it->second.permission_id, allow});
  st.queries.erase(it);
}

// ---- registration ---------------------------------------------------------------

void beat(agent_ptr self) {
  auto& st = self->state;
  if (st.stopping) return;
  const auto payload = encode_heartbeat(current_heartbeat(st), now_epoch_ms());
  st.cfg.link->publish(heartbeat_subject(st.id), payload);
  if (st.cfg.cfg.legacy_v02) st.cfg.link->publish(legacy_heartbeat_subject(st.id), payload);
  self->delayed_send(self, std::chrono::seconds(st.cfg.cfg.heartbeat_s), heartbeat_tick{});
}

void subscribe_or_log(agent_ptr self, const std::string& subject, const std::string& queue, int tag) {
  auto& st = self->state;
  auto sub = st.cfg.link->subscribe(subject, queue, caf::actor_cast<caf::actor>(self), tag);
  if (sub)
    st.subs.push_back(std::move(*sub));
  else
    log::error("nats_agent", sub.error().message);
}

void register_as(agent_ptr self, std::string name) {
  auto& st = self->state;
  if (st.stopping) return;
  st.id.session = std::move(name);
  if (st.id.session != st.cfg.base.session)
    log::info("nats_agent", "name " + st.cfg.base.session + " is taken on the bus; registering as " + st.id.session);
  const auto limit = effective_max_payload(st.cfg.cfg.max_payload, st.cfg.link->max_payload());
  if (limit.clamped)
    log::warn("nats_agent", "nats_agent.max_payload is larger than the server's; using " +
                                format_max_payload(limit.bytes));
  st.limit = limit.bytes;
  st.service = make_agent_service({st.id, new_instance_id(), st.cfg.version, st.limit, st.cfg.cfg.attachments_ok});
  st.stats.assign(st.service.endpoints.size(), endpoint_stats{});
  st.started_ms = now_epoch_ms();
  const std::string queue(agents_queue_group);
  for (const auto& s : srv_subjects(st.service)) subscribe_or_log(self, s, "", srv_tag);
  subscribe_or_log(self, prompt_subject(st.id), queue, prompt_tag);
  subscribe_or_log(self, status_subject(st.id), queue, status_tag);
  if (st.cfg.cfg.legacy_v02) subscribe_or_log(self, legacy_prompt_subject(st.id), queue, prompt_tag);
  st.registered = true;
  log::info("nats_agent", "registered " + prompt_subject(st.id));
  beat(self);
  self->delayed_send(self, std::chrono::seconds(std::min<std::int64_t>(60, st.cfg.cfg.max_pending_age_s)),
                     sweep_tick{});
  report_summary(self);
}

void finish_probe(agent_ptr self) {
  auto& st = self->state;
  if (st.registered || st.stopping) return;
  st.probe_sub.reset();
  if (!st.cfg.control) {
    register_as(self, first_free_name(st.cfg.base.session, st.taken));
    return;
  }
  self->request(st.cfg.control, std::chrono::seconds(5), claim_name{st.cfg.base.session, std::move(st.taken)})
      .then([self](std::string& name) { register_as(self, std::move(name)); },
            [self](caf::error&) {
              auto& s = self->state;
              register_as(self, first_free_name(s.cfg.base.session, s.taken));
            });
}

void start_probe(agent_ptr self) {
  auto& st = self->state;
  const auto inbox = st.cfg.link->new_inbox();
  auto sub = st.cfg.link->subscribe(inbox, "", caf::actor_cast<caf::actor>(self), probe_tag);
  if (!sub) {
    log::warn("nats_agent", "name probe skipped: " + sub.error().message);
    finish_probe(self);
    return;
  }
  st.probe_sub = std::move(*sub);
  st.cfg.link->publish_request("$SRV.INFO." + std::string(service_name), inbox, "");
  self->delayed_send(self, probe_window, probe_done{});
}

// ---- shutdown -------------------------------------------------------------------

/// Every open stream ends with an error and the terminator; queries are
/// denied; the service leaves the bus.
void stop_agent(agent_ptr self) {
  auto& st = self->state;
  if (st.stopping) return;
  st.stopping = true;
  for (auto& r : st.requests) {
    fail_request(self, r, shutdown_error());
    if (auto removed = remove_staged(r.staged); !removed) log::warn("nats_agent", removed.error().message);
  }
  st.requests.clear();
  for (auto& [tag, q] : st.queries) self->send(st.session, agent_permission_verdict{q.permission_id, false});
  st.queries.clear();
  st.subs.clear();
  st.probe_sub.reset();
  if (st.registered && st.cfg.control) self->send(st.cfg.control, agent_gone{st.id.session});
  if (st.registered) log::info("nats_agent", "left the bus: " + prompt_subject(st.id));
}

caf::behavior nats_agent_actor(agent_ptr self, caf::actor session, nats_agent_settings cfg) {
  auto& st = self->state;
  st.session = std::move(session);
  st.cfg = std::move(cfg);
  st.id = st.cfg.base;
  // The session ends → so does its agent, with its streams closed properly.
  self->set_exit_handler([self](caf::exit_msg& m) {
    stop_agent(self);
    self->quit(m.reason);
  });
  start_probe(self);
  return {
      [self](nats_inbound& in) {
        auto& s = self->state;
        switch (in.tag) {
          case probe_tag:
            if (in.status_only || s.registered) return;
            collect_taken_names(in.data, s.cfg.base, s.taken);
            if (++s.probe_replies >= probe_max_replies) finish_probe(self);
            return;
          case srv_tag:
            if (in.reply.empty() || s.stopping || !s.registered) return;
            if (auto verb = match_srv_subject(in.subject, s.service))
              s.cfg.link->publish(in.reply, encode_srv_reply(*verb, s.service, s.stats, s.started_ms));
            return;
          case status_tag: {
            if (in.reply.empty() || s.stopping) return;
            const auto t0 = clock_type::now();
            s.cfg.link->publish(in.reply, encode_status(current_heartbeat(s), current_state(s), now_epoch_ms()));
            s.stats[status_endpoint_index].record_success(elapsed_since(t0));
            return;
          }
          case prompt_tag: handle_prompt(self, in); return;
          default:
            if (in.tag >= query_tag_base && !in.status_only) {
              auto answer = parse_permission_answer(in.data);
              settle_query(self, in.tag, answer.behavior == permission_behavior::allow,
                           answer.recognized ? "" : " (answer not understood)");
            }
        }
      },
      [self](probe_done) { finish_probe(self); },
      [self](heartbeat_tick) { beat(self); },
      [self](keepalive_tick& t) {
        auto& s = self->state;
        if (s.stopping) return;
        if (auto* r = find_request(s, t.request_id)) {
          s.cfg.link->publish(r->reply, ack_chunk);
          schedule_keepalive(self, t.request_id);
        }
      },
      [self](sweep_tick) {
        auto& s = self->state;
        if (s.stopping) return;
        const auto max_age = std::chrono::seconds(s.cfg.cfg.max_pending_age_s);
        std::vector<std::string> expired;
        for (auto& r : s.requests)
          if (!r.active && clock_type::now() - r.arrived > max_age) {
            fail_request(self, r, expired_error(s.cfg.cfg.max_pending_age_s));
            expired.push_back(r.id);
          }
        for (const auto& id : expired) finish_request(self, id);
        self->delayed_send(self, std::chrono::seconds(std::min<std::int64_t>(60, s.cfg.cfg.max_pending_age_s)),
                           sweep_tick{});
      },
      [self](query_timeout& t) { settle_query(self, t.tag, false, " (no answer in time)"); },
      [self](agent_reply& r) -> done_result { return handle_reply(self, r.args); },
      [self](agent_permission& p) -> bool { return ask_permission(self, p.req); },
      [self](shutdown_request&) -> shutdown_done {
        stop_agent(self);
        self->quit();
        return shutdown_done{};
      },
      [self](operator_stop) -> shutdown_done {
        stop_agent(self);
        if (self->state.cfg.on_operator_stop) self->state.cfg.on_operator_stop();
        return shutdown_done{};
      },
  };
}

}  // namespace

caf::actor spawn_nats_agent(caf::local_actor* session, nats_agent_settings settings) {
  return session->spawn<caf::linked>(nats_agent_actor, caf::actor_cast<caf::actor>(session), std::move(settings));
}

}  // namespace parley
