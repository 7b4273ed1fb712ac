#include "actors/nats_agent/agent_control.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <map>

#include "actors/messages.hpp"
#include "src/nats_agent/collision.hpp"
#include "src/nats_agent/subjects.hpp"
#include "src/nats_agent/tokens.hpp"
#include "src/util/log.hpp"

namespace parley::control_timers {

struct list_done {
  int tag = 0;
};
struct forward_timeout_tick {
  int tag = 0;
};

}  // namespace parley::control_timers

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::control_timers::list_done)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::control_timers::forward_timeout_tick)

namespace parley {

namespace {

using namespace nats_agent;
using namespace control_timers;

// One process answers each operator request (queue group); it asks every
// process of the owner on internal subjects, since each Claude Code session
// is usually its own stdio process.
constexpr int control_tag = 1;
constexpr int list_tag = 2;
constexpr int session_tag_base = 1000;  // + agent index: `inspect`/`stop` of one session
constexpr int pending_tag_base = 1'000'000;
constexpr std::string_view control_queue = "parley-control";
/// How long `list` collects the other processes' sessions.
constexpr auto list_window = std::chrono::milliseconds(250);
constexpr auto forward_timeout = std::chrono::seconds(6);
constexpr auto stop_budget = std::chrono::seconds(5);

std::string internal_prefix(const std::string& owner) { return "_PARLEY.ctl." + owner; }

struct hosted_agent {
  caf::actor agent;
  session_summary summary;
  std::unique_ptr<nats_subscription> sub;  // its internal inspect/stop subject
  int tag = 0;
};

/// An operator request being answered from other processes' replies.
struct pending_request {
  std::string reply;      // the operator's inbox
  control_request req;
  std::unique_ptr<nats_subscription> inbox;
  std::vector<std::string> parts;  // list: each process's sessions
};


struct control_state {
  std::shared_ptr<nats_link> link;
  std::string owner;
  std::vector<std::unique_ptr<nats_subscription>> subs;
  /// By instance name (the control plane's sessionId).
  std::map<std::string, hosted_agent> agents;
  /// Names handed out whose agent has not reported yet.
  std::set<std::string> reserved;
  std::map<int, pending_request> pending;
  int next_tag = pending_tag_base;
  int next_session_tag = session_tag_base;
  bool shutting_down = false;
  static inline const char* name = "agent_control";
};

using control_ptr = caf::stateful_actor<control_state>*;

void answer(control_ptr self, const std::string& reply, const std::string& body) {
  if (!reply.empty()) self->state.link->publish(reply, body);
}

/// The inside of `{"sessions":[...]}` (our own encoding), to merge lists.
std::string sessions_of(const std::string& list_json) {
  auto open = list_json.find('[');
  auto close = list_json.rfind(']');
  if (open == std::string::npos || close == std::string::npos || close <= open) return {};
  return list_json.substr(open + 1, close - open - 1);
}

std::string local_list(const control_state& st) {
  std::vector<session_summary> all;
  for (const auto& [name, a] : st.agents) all.push_back(a.summary);
  return encode_session_list(all);
}

/// Asks the other processes on `subject`; replies arrive tagged.
int forward(control_ptr self, const std::string& subject, const std::string& body, std::string reply,
            control_request req) {
  auto& st = self->state;
  const int tag = st.next_tag++;
  const auto inbox = st.link->new_inbox();
  auto sub = st.link->subscribe(inbox, "", caf::actor_cast<caf::actor>(self), tag);
  if (!sub) return -1;
  st.pending[tag] = pending_request{std::move(reply), std::move(req), std::move(*sub), {}};
  st.link->publish_request(subject, inbox, body);
  return tag;
}

void handle_operator_request(control_ptr self, const nats_inbound& in) {
  auto& st = self->state;
  if (in.reply.empty() || in.status_only) return;
  if (st.shutting_down) {
    answer(self, in.reply, encode_control_error(shutting_down_error()));
    return;
  }
  auto req = decode_control_request(in.data);
  if (!req) {
    answer(self, in.reply, encode_control_error(req.error()));
    return;
  }
  const auto prefix = internal_prefix(st.owner);
  if (req->mode == control_mode::list) {
    const int tag = forward(self, prefix + ".list", "", in.reply, *req);
    if (tag < 0) {
      answer(self, in.reply, local_list(st));
      return;
    }
    self->delayed_send(self, list_window, list_done{tag});
    return;
  }
  // A session id that is not a subject token names no session.
  if (!validate_token(req->session_id, "sessionId")) {
    answer(self, in.reply, encode_control_error(not_found_error(req->session_id)));
    return;
  }
  const int tag = forward(self, prefix + ".s." + req->session_id,
                          req->mode == control_mode::stop ? "stop" : "inspect", in.reply, *req);
  if (tag < 0) {
    answer(self, in.reply, encode_control_error(not_found_error(req->session_id)));
    return;
  }
  self->delayed_send(self, forward_timeout, forward_timeout_tick{tag});
}

/// A reply to one of our forwarded requests.
void handle_forwarded_reply(control_ptr self, nats_inbound& in) {
  auto& st = self->state;
  auto it = st.pending.find(in.tag);
  if (it == st.pending.end()) return;
  auto& p = it->second;
  if (p.req.mode == control_mode::list) {
    if (!in.status_only) p.parts.push_back(sessions_of(in.data));
    return;
  }
  // inspect / stop: the one process hosting it answers; nobody → not found.
  answer(self, p.reply,
         in.status_only ? encode_control_error(not_found_error(p.req.session_id)) : in.data);
  st.pending.erase(it);
}

void finish_list(control_ptr self, int tag) {
  auto& st = self->state;
  auto it = st.pending.find(tag);
  if (it == st.pending.end()) return;
  std::string merged = "{\"sessions\":[";
  bool first = true;
  for (const auto& part : it->second.parts) {
    if (part.empty()) continue;
    merged += (first ? "" : ",") + part;
    first = false;
  }
  merged += "]}";
  answer(self, it->second.reply, merged);
  st.pending.erase(it);
}

/// This process's side: `inspect` / `stop` of one of its sessions.
void handle_session_request(control_ptr self, const nats_inbound& in) {
  auto& st = self->state;
  if (in.reply.empty() || in.status_only) return;
  auto it = std::find_if(st.agents.begin(), st.agents.end(),
                         [&](const auto& e) { return e.second.tag == in.tag; });
  if (it == st.agents.end()) return;
  if (in.data != "stop") {
    answer(self, in.reply, encode_session_inspect(it->second.summary));
    return;
  }
  log::info("nats_agent", "operator stops session " + it->first);
  const std::string reply = in.reply;
  const std::string id = it->first;
  // Answered once the agent has closed every stream and left the bus.
  self->request(it->second.agent, stop_budget, operator_stop{})
      .then([self, reply, id](shutdown_done) { answer(self, reply, encode_stop_result(id)); },
            [self, reply, id](caf::error&) { answer(self, reply, encode_stop_result(id)); });
}

void subscribe_or_log(control_ptr self, const std::string& subject, const std::string& queue, int tag,
                      std::unique_ptr<nats_subscription>* into = nullptr) {
  auto sub = self->state.link->subscribe(subject, queue, caf::actor_cast<caf::actor>(self), tag);
  if (!sub) {
    log::error("nats_agent", "control plane: " + sub.error().message);
    return;
  }
  if (into)
    *into = std::move(*sub);
  else
    self->state.subs.push_back(std::move(*sub));
}

caf::behavior agent_control(control_ptr self, std::shared_ptr<nats_link> link, std::string owner) {
  auto& st = self->state;
  st.link = std::move(link);
  st.owner = std::move(owner);
  subscribe_or_log(self, control_subject(st.owner), std::string(control_queue), control_tag);
  subscribe_or_log(self, internal_prefix(st.owner) + ".list", "", list_tag);
  return {
      [self](nats_inbound& in) {
        auto& s = self->state;
        if (in.tag == control_tag) {
          handle_operator_request(self, in);
        } else if (in.tag == list_tag) {
          if (!in.reply.empty() && !in.status_only) answer(self, in.reply, local_list(s));
        } else if (in.tag >= pending_tag_base) {
          handle_forwarded_reply(self, in);
        } else if (in.tag >= session_tag_base) {
          handle_session_request(self, in);
        }
      },
      [self](list_done& d) { finish_list(self, d.tag); },
      [self](forward_timeout_tick& t) {
        auto& s = self->state;
        auto it = s.pending.find(t.tag);
        if (it == s.pending.end()) return;
        answer(self, it->second.reply, encode_control_error(not_found_error(it->second.req.session_id)));
        s.pending.erase(it);
      },
      [self](claim_name& c) -> std::string {
        auto& s = self->state;
        auto taken = std::move(c.taken);
        for (const auto& [name, a] : s.agents) taken.insert(name);
        taken.insert(s.reserved.begin(), s.reserved.end());
        auto name = first_free_name(c.base, taken);
        s.reserved.insert(name);
        return name;
      },
      [self](agent_summary& a) {
        auto& s = self->state;
        const auto name = a.summary.session_id;
        s.reserved.erase(name);
        auto& entry = s.agents[name];
        entry.agent = std::move(a.agent);
        entry.summary = std::move(a.summary);
        if (!entry.sub) {
          entry.tag = s.next_session_tag++;
          subscribe_or_log(self, internal_prefix(s.owner) + ".s." + name, "", entry.tag, &entry.sub);
        }
      },
      [self](agent_gone& g) {
        self->state.agents.erase(g.session_id);
        self->state.reserved.erase(g.session_id);
      },
      [self](shutdown_request&) -> shutdown_done {
        self->state.shutting_down = true;
        return shutdown_done{};
      },
  };
}

}  // namespace

caf::actor spawn_agent_control(caf::actor_system& sys, std::shared_ptr<nats_link> link, std::string owner) {
  return sys.spawn(agent_control, std::move(link), std::move(owner));
}

}  // namespace parley
