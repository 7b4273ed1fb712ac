#include "actors/mcp_session/mcp_session.hpp"

#include <algorithm>

#include "src/mcp/protocol.hpp"
#include "src/mcp/tools.hpp"
#include "actors/mcp_session/session_state.hpp"
#include "actors/presence_heartbeat/presence_heartbeat.hpp"
#include "actors/state_writer/state_writer.hpp"
#include "src/util/log.hpp"

namespace parley {

namespace {

constexpr auto flush_delay = std::chrono::milliseconds(250);
// The whole graceful exit must fit in 2 s: goodbye beat, answers still in
// flight, read cursors on disk.
constexpr auto shutdown_budget = std::chrono::milliseconds(1200);
constexpr auto presence_stop_budget = std::chrono::milliseconds(700);
constexpr auto state_save_budget = std::chrono::milliseconds(400);
constexpr std::size_t max_cancelled_kept = 1024;
constexpr std::size_t max_events_before_initialized = 10'000;

/// The topics whose messages this session is pushed: its allowed topics
/// with live push, and the permission relay topic.
std::vector<std::string> live_topics(session_ptr self) {
  auto& cfg = self->state.cfg;
  std::vector<std::string> join;
  if (cfg.live_push) join = cfg.profile->allow.topics();
  const auto& relay = cfg.profile->relay_topic;
  if (relay && std::find(join.begin(), join.end(), *relay) == join.end()) join.push_back(*relay);
  return join;
}

void start_presence(session_ptr self);

/// Joins the live topics; when that fails (a chat room not there yet, a
/// server restarting) it tries again, 1 s later and then doubling to 30 s,
/// rather than leave the session without push for its whole life.
void join_live_topics(session_ptr self, int attempt) {
  const auto join = live_topics(self);
  if (join.empty()) {
    start_presence(self);
    return;
  }
  auto retry = [self, attempt](const std::string& why) {
    const auto delay = std::chrono::seconds(std::min(30, 1 << std::min(attempt, 5)));
    log::error("session", "live push is down: " + why + "; trying again in " + std::to_string(delay.count()) + " s");
    self->delayed_send(self, delay, live_join_retry{attempt + 1});
    if (attempt == 0) start_presence(self);
  };
  self->request(self->state.cfg.router, caf::infinite, join_topics{self->state.cfg.id, join})
      .then(
          [self, attempt, retry](join_result& r) {
            if (!r) return retry(r.error().message);
            auto& state = self->state;
            if (state.cfg.live_push) start_catchup(self, state.cfg.profile->allow.topics());
            if (attempt > 0) log::info("session", "live push is up");
            // Presence only once push is wired: peers that see us can reach us.
            if (attempt == 0) start_presence(self);
          },
          [self, retry](caf::error& err) { retry(self->system().render(err)); });
}

void start_presence(session_ptr self) {
  auto& cfg = self->state.cfg;
  if (!cfg.presence_enabled) return;
  presence_settings ps;
  ps.topic = cfg.presence_topic;
  ps.handle = cfg.profile->handle;
  // What the client sees: peers compare these with their own.
  const auto& shown = cfg.profile->shown_allow ? *cfg.profile->shown_allow : cfg.profile->allow;
  ps.topics = shown.topics();
  ps.post_topics = shown.post_patterns();
  ps.heartbeat_ms = cfg.heartbeat_ms;
  self->state.presence = spawn_presence_heartbeat(self, cfg.backend_conn, std::move(ps));
}

void flush_cursors(session_ptr self) {
  auto& st = self->state;
  st.flush_scheduled = false;
  if (st.dirty_cursors.empty() || st.cfg.read_state_path.empty()) return;
  self->request(st.cfg.state_writer, std::chrono::seconds(10),
                save_read_state{st.cfg.read_state_path, std::move(st.dirty_cursors)})
      .then([](shutdown_done) {}, [](caf::error&) {});
  st.dirty_cursors.clear();
}

void finish_shutdown(session_ptr self) {
  auto& st = self->state;
  self->send(st.cfg.router, unregister_session{st.cfg.id});
  if (st.shutdown_promise) st.shutdown_promise->deliver(shutdown_done{});
  st.shutdown_promise.reset();
  self->quit();
}

void continue_shutdown(session_ptr self) {
  auto& st = self->state;
  if (st.nats_agent) {
    // NATS callers first: their streams end with an error, not silence.
    auto agent = std::move(st.nats_agent);
    st.nats_agent = caf::actor{};
    self->request(agent, presence_stop_budget, shutdown_request{"session ends"})
        .then([self](shutdown_done) { continue_shutdown(self); },
              [self](caf::error&) { continue_shutdown(self); });
    return;
  }
  if (st.presence) {
    auto presence = std::move(st.presence);
    st.presence = caf::actor{};
    self->request(presence, presence_stop_budget, presence_stop{})
        .then([self](shutdown_done) { continue_shutdown(self); },
              [self](caf::error&) { continue_shutdown(self); });
    return;
  }
  if (st.inflight > 0 && std::chrono::steady_clock::now() < st.shutdown_deadline) {
    // Tool calls still running; their answers call back in as they finish.
    self->delayed_send(self, std::chrono::milliseconds(20), shutdown_step{});
    return;
  }
  if (!st.dirty_cursors.empty() && !st.cfg.read_state_path.empty()) {
    auto cursors = std::move(st.dirty_cursors);
    st.dirty_cursors.clear();
    self->request(st.cfg.state_writer, state_save_budget,
                  save_read_state{st.cfg.read_state_path, std::move(cursors)})
        .then([self](shutdown_done) { finish_shutdown(self); },
              [self](caf::error&) { finish_shutdown(self); });
    return;
  }
  finish_shutdown(self);
}

void dispatch_request(session_ptr self, const mcp::rpc_message& m) {
  auto& st = self->state;
  if (m.method == "initialize") {
    if (st.initialize_seen) {
      send_response(self, m.id_json, mcp::error_response(m.id_json, mcp::rpc_code::invalid_request,
                                                         "Invalid Request: initialize was already called"));
      return;
    }
    st.initialize_seen = true;
    auto params = mcp::decode_initialize(m.params_json);
    st.version = std::string(mcp::negotiate_version(params.protocol_version));
    mcp::server_features f;
    f.channel = true;
    f.permission_relay = st.cfg.profile->relay_topic.has_value();
    f.nats_agent = static_cast<bool>(st.nats_agent);
    f.version = st.cfg.server_version;
    respond(self, m.id_json, mcp::initialize_result(st.version, f));
    if (!params.client_name.empty())
      log::info("session", "client " + params.client_name + " " + params.client_version +
                               " speaks MCP " + st.version);
  } else if (m.method == "ping") {
    respond(self, m.id_json, "{}");
  } else if (m.method == "tools/list") {
    respond(self, m.id_json, st.tools_list);
  } else if (m.method == "tools/call") {
    handle_tools_call(self, m.id_json, m.params_json);
  } else {
    send_response(self, m.id_json, mcp::error_response(m.id_json, mcp::rpc_code::method_not_found,
                                                       "Method not found: " + m.method));
  }
}

void dispatch_notification(session_ptr self, const mcp::rpc_message& m) {
  auto& st = self->state;
  if (m.method == "notifications/initialized") {
    st.initialized = true;
    auto queued = std::move(st.before_initialized);
    st.before_initialized.clear();
    for (auto& [json, event] : queued) st.cfg.output->notification(std::move(json), event ? &*event : nullptr);
  } else if (m.method == "notifications/cancelled") {
    if (auto id = mcp::decode_cancelled(m.params_json)) {
      if (st.cancelled.size() >= max_cancelled_kept) st.cancelled.erase(st.cancelled.begin());
      st.cancelled.insert(*id);
    }
  } else if (m.method == "notifications/claude/channel/permission_request") {
    handle_permission_request(self, m.params_json);
  }
  // Any other notification is ignored, as JSON-RPC requires.
}

void handle_input(session_ptr self, const std::string& text) {
  auto& st = self->state;
  auto d = mcp::decode(text);
  for (const auto& f : d.failures) send_response(self, f.id_json, mcp::error_response(f.id_json, f.code, f.message));
  if (d.batch && st.version != "2025-03-26") {
    if (!d.messages.empty())
      send_response(self, "null",
                    mcp::error_response("null", mcp::rpc_code::invalid_request,
                                        "Invalid Request: JSON-RPC batches are not supported in MCP " + st.version));
    return;
  }
  for (const auto& m : d.messages) {
    switch (m.type) {
      case mcp::rpc_message::kind::request: dispatch_request(self, m); break;
      case mcp::rpc_message::kind::notification: dispatch_notification(self, m); break;
      case mcp::rpc_message::kind::response: break;  // we send no requests
    }
  }
}

caf::behavior mcp_session(session_ptr self, session_settings cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  if (st.cfg.spawn_nats_agent) st.nats_agent = st.cfg.spawn_nats_agent(self);
  st.tools_list = mcp::tools_list(
      st.cfg.profile->shown_allow ? *st.cfg.profile->shown_allow : st.cfg.profile->allow,
      static_cast<bool>(st.nats_agent));
  st.read_cursors = st.cfg.initial_read_cursors;
  self->send(st.cfg.router, register_session{st.cfg.id, caf::actor_cast<caf::actor>(self), st.cfg.profile});

  join_live_topics(self, 0);

  return {
      [self](rpc_input& in) { handle_input(self, in.text); },
      [self](live_join_retry& r) { join_live_topics(self, r.attempt); },
      [self](oversized_input& o) {
        send_response(self, "null", mcp::error_response(
                            "null", mcp::rpc_code::invalid_request,
                            "Request too large: " + std::to_string(o.bytes) + " bytes exceeds the limit of " +
                                std::to_string(self->state.cfg.max_input_bytes) +
                                " bytes (stdio.max_line_bytes); the line was discarded"));
      },
      [self](delivery& d) { handle_delivery(self, std::move(d)); },
      [self](agent_prompt& p) { push_event(self, std::move(p.notification), std::nullopt); },
      [self](agent_permission_verdict& v) { handle_agent_verdict(self, v.request_id, v.allow); },
      [self](flush_read_state) { flush_cursors(self); },
      [self](permission_timeout& t) { handle_permission_timeout(self, t.request_id); },
      [self](shutdown_step) { continue_shutdown(self); },
      [self](shutdown_request&) -> caf::result<shutdown_done> {
        auto& state = self->state;
        if (state.stopping) return shutdown_done{};
        state.stopping = true;
        state.shutdown_promise = self->make_response_promise();
        state.shutdown_deadline = std::chrono::steady_clock::now() + shutdown_budget;
        auto rp = *state.shutdown_promise;
        continue_shutdown(self);
        return rp;
      },
  };
}

}  // namespace

void send_response(session_ptr self, const std::string& id_json, std::string json) {
  self->state.cfg.output->response(id_json, std::make_shared<const std::string>(std::move(json)));
}

void send_notification(session_ptr self, std::string json) {
  self->state.cfg.output->notification(std::make_shared<const std::string>(std::move(json)), nullptr);
}

void push_event(session_ptr self, std::shared_ptr<const std::string> json, std::optional<droppable_event> event) {
  auto& st = self->state;
  if (!st.initialized) {
    if (st.before_initialized.size() < max_events_before_initialized)
      st.before_initialized.emplace_back(std::move(json), std::move(event));
    return;
  }
  st.cfg.output->notification(std::move(json), event ? &*event : nullptr);
}

void respond(session_ptr self, const std::string& id_json, std::string result_json) {
  if (self->state.cancelled.erase(id_json) > 0) return;
  send_response(self, id_json, mcp::result_response(id_json, result_json));
}

void note_read(session_ptr self, const message& m) {
  auto& st = self->state;
  st.read_cursors[m.topic] = m.cursor.text;
  st.dirty_cursors[m.topic] = m.cursor.text;
  if (!st.flush_scheduled && !st.cfg.read_state_path.empty()) {
    st.flush_scheduled = true;
    self->delayed_send(self, flush_delay, flush_read_state{});
  }
}

std::string client_topic(session_ptr self, const std::string& backend_topic) {
  const auto& prefix = self->state.cfg.profile->topic_prefix;
  if (!prefix.empty() && backend_topic.rfind(prefix, 0) == 0) return backend_topic.substr(prefix.size());
  return backend_topic;
}

std::string backend_topic(session_ptr self, const std::string& client_topic) {
  return self->state.cfg.profile->topic_prefix + client_topic;
}

message client_message(session_ptr self, message m) {
  m.topic = client_topic(self, m.topic);
  return m;
}

std::shared_ptr<const std::string> client_notification(session_ptr self, const message& m,
                                                       std::shared_ptr<const std::string> shared) {
  if (self->state.cfg.profile->topic_prefix.empty() && shared) return shared;
  return std::make_shared<const std::string>(mcp::channel_notification(client_message(self, m)));
}

caf::actor spawn_mcp_session(caf::local_actor* parent, session_settings settings) {
  return parent->spawn<caf::linked>(mcp_session, std::move(settings));
}

caf::actor spawn_mcp_session(caf::actor_system& sys, session_settings settings) {
  return sys.spawn(mcp_session, std::move(settings));
}

}  // namespace parley
