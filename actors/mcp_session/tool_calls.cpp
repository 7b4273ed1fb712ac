// The four tools of a session: decode, ask the router, answer the client.
#include "src/mcp/tools.hpp"
#include "actors/mcp_session/session_state.hpp"
#include "src/presence/handle_glob.hpp"
#include "src/presence/roster.hpp"
#include "src/util/iso_time.hpp"

namespace parley {

namespace {

constexpr std::int64_t default_since_ms = 86'400'000;

/// Tool results reach the client in the order the calls finish; each is
/// tied to its request id.
void count(session_ptr self, std::optional<mcp::tool_id> tool, bool ok) {
  if (auto& m = self->state.cfg.metrics) m->count_tool(tool, ok);
}

template <class Result, class Render>
void answer(session_ptr self, const std::string& id_json, Result& r, Render render) {
  if (!r) {
    respond(self, id_json, mcp::tool_error(r.error().message));
    return;
  }
  respond(self, id_json, mcp::tool_result(render(*r)));
}

void done(session_ptr self) { --self->state.inflight; }

/// The router or backend went away mid-call (shutdown): still answer.
auto on_failure(session_ptr self, const std::string& id_json) {
  return [self, id_json](caf::error& err) {
    done(self);
    respond(self, id_json, mcp::tool_error("internal error: " + self->system().render(err)));
  };
}

void call_fetch(session_ptr self, const std::string& id_json, mcp::fetch_recent_args args) {
  auto& st = self->state;
  ++st.inflight;
  args.topic = backend_topic(self, args.topic);
  self->request(st.cfg.router, caf::infinite, tool_fetch{st.cfg.id, std::move(args)})
      .then([self, id_json](fetch_result& r) {
        done(self);
        if (r) {
          // Whatever the model fetched is never pushed to it again.
          for (auto& m : r->messages) {
            self->state.seen[m.topic].mark(m.backend_msg_id);
            m.topic = client_topic(self, m.topic);
          }
        }
        count(self, mcp::tool_id::fetch_recent, r.has_value());
        answer(self, id_json, r, [](const page& p) { return mcp::render_page(p); });
      }, on_failure(self, id_json));
}

void call_post(session_ptr self, const std::string& id_json, mcp::post_args args) {
  auto& st = self->state;
  ++st.inflight;
  const auto tool = args.reply ? mcp::tool_id::reply : mcp::tool_id::post;
  args.topic = backend_topic(self, args.topic);
  self->request(st.cfg.router, caf::infinite, tool_post{st.cfg.id, std::move(args)})
      .then([self, id_json, tool](post_result& r) {
        done(self);
        count(self, tool, r.has_value());
        answer(self, id_json, r,
               [](const stored_post& p) { return mcp::render_post(p.msg.backend_msg_id); });
      }, on_failure(self, id_json));
}

void call_list_users(session_ptr self, const std::string& id_json, mcp::list_users_args args) {
  auto& st = self->state;
  ++st.inflight;
  std::optional<std::string> scope;
  if (args.topic) scope = backend_topic(self, *args.topic);
  self->request(st.cfg.router, caf::infinite, roster_fetch{st.cfg.id, scope})
      .then([self, id_json, args](fetch_result& r) {
        done(self);
        auto& state = self->state;
        if (!r) {
          // Only an absent presence topic means "nobody"; an outage is an error.
          if (r.error().code == errc::no_such_topic) {
            respond(self, id_json, mcp::tool_result(mcp::render_roster({}, false)));
            return;
          }
          respond(self, id_json, mcp::tool_error(r.error().message));
          return;
        }
        const bool truncated = r->messages.size() >= 500;
        presence::roster_options opts;
        opts.ttl_ms = state.cfg.ttl_ms;
        opts.since_ms = args.since_ms.value_or(default_since_ms);
        auto peers = presence::compute_roster(r->messages, now_epoch_ms(), opts);
        // Peers announce the names their clients see (the owner's presence
        // topic is theirs alone), so reachability compares those.
        const auto& shown = state.cfg.profile->shown_allow ? *state.cfg.profile->shown_allow : state.cfg.profile->allow;
        peers = presence::filter_reachable(std::move(peers), shown, args.topic);
        std::vector<presence::peer> out;
        for (auto& p : peers) {
          if (args.online_only && !p.online) continue;
          if (args.filter && !presence::glob_match(*args.filter, p.handle)) continue;
          out.push_back(std::move(p));
          if (args.limit && static_cast<std::int64_t>(out.size()) >= *args.limit) break;
        }
        respond(self, id_json, mcp::tool_result(mcp::render_roster(out, truncated)));
      }, on_failure(self, id_json));
}

void call_nats_reply(session_ptr self, const std::string& id_json, mcp::nats_reply_args args) {
  auto& st = self->state;
  if (!st.nats_agent) {
    respond(self, id_json,
            mcp::tool_error("MCP error -32602: Tool " +
                            std::string(mcp::tool_name(mcp::tool_id::nats_reply)) + " not found"));
    return;
  }
  ++st.inflight;
  self->request(st.nats_agent, std::chrono::seconds(30), agent_reply{std::move(args)})
      .then([self, id_json](done_result& r) {
        done(self);
        if (!r) {
          respond(self, id_json, mcp::tool_error(r.error().message));
          return;
        }
        respond(self, id_json, mcp::tool_result("sent"));
      }, on_failure(self, id_json));
}

}  // namespace

void handle_tools_call(session_ptr self, const std::string& id_json, const std::string& params_json) {
  auto call = mcp::decode_tool_call(params_json);
  if (!call.ok()) {
    count(self, call.id, false);
    respond(self, id_json, mcp::tool_error(call.error));
    return;
  }
  if (auto* f = std::get_if<mcp::fetch_recent_args>(&call.args))
    call_fetch(self, id_json, std::move(*f));
  else if (auto* p = std::get_if<mcp::post_args>(&call.args))
    call_post(self, id_json, std::move(*p));
  else if (auto* l = std::get_if<mcp::list_users_args>(&call.args))
    call_list_users(self, id_json, std::move(*l));
  else if (auto* n = std::get_if<mcp::nats_reply_args>(&call.args))
    call_nats_reply(self, id_json, std::move(*n));
}

}  // namespace parley
