// Permission relay: Claude Code asks whether a tool may run; the question is
// posted to the relay topic and an approver's "yes <id>" / "no <id>" there
// answers it. No answer in time means no.
#include <algorithm>

#include "src/mcp/protocol.hpp"
#include "actors/mcp_session/session_state.hpp"
#include "src/util/log.hpp"

namespace parley {

namespace {

void post_to_relay(session_ptr self, std::string content) {
  auto& st = self->state;
  self->request(st.cfg.router, std::chrono::seconds(30),
                system_post{st.cfg.id, *st.cfg.profile->relay_topic, std::move(content)})
      .then(
          [](post_result& r) {
            if (!r) log::warn("permission", "cannot post to the relay topic: " + r.error().message);
          },
          [](caf::error&) { log::warn("permission", "posting to the relay topic timed out"); });
}

void send_verdict(session_ptr self, const std::string& request_id, bool allow) {
  self->state.pending_permissions.erase(request_id);
  send_notification(self, mcp::permission_verdict(request_id, allow));
}

}  // namespace

namespace {

void relay_to_topic(session_ptr self, const mcp::permission_request& r);

}  // namespace

void handle_permission_request(session_ptr self, const std::string& params_json) {
  auto& st = self->state;
  if (!st.cfg.profile->relay_topic && !st.nats_agent) return;
  auto req = mcp::decode_permission_request(params_json);
  if (!req) {
    log::warn("permission", "ignoring a permission request without a valid request_id");
    return;
  }
  if (!st.pending_permissions.insert(req->request_id).second) return;
  if (!st.nats_agent) {
    relay_to_topic(self, *req);
    return;
  }
  // A NATS caller being answered right now is asked first: it is the one
  // the session is working for.
  self->request(st.nats_agent, std::chrono::seconds(10), agent_permission{*req})
      .then(
          [self, r = *req](bool asked) {
            if (asked) return;
            if (self->state.cfg.profile->relay_topic) {
              relay_to_topic(self, r);
              return;
            }
            send_verdict(self, r.request_id, false);  // nobody to ask: no
          },
          [self, id = req->request_id](caf::error&) { send_verdict(self, id, false); });
}

void handle_agent_verdict(session_ptr self, const std::string& request_id, bool allow) {
  if (!self->state.pending_permissions.count(request_id)) return;
  send_verdict(self, request_id, allow);
}

namespace {

void relay_to_topic(session_ptr self, const mcp::permission_request& r) {
  auto& st = self->state;
  const auto* req = &r;
  std::string prompt = st.cfg.profile->handle + " asks to run " + req->tool_name;
  if (!req->description.empty()) prompt += ": " + req->description;
  if (!req->input_preview.empty()) prompt += "\n" + req->input_preview;
  prompt += "\nReply \"yes " + req->request_id + "\" to allow or \"no " + req->request_id + "\" to deny.";
  post_to_relay(self, std::move(prompt));
  self->delayed_send(self, std::chrono::milliseconds(st.cfg.permission_timeout_ms),
                     permission_timeout{req->request_id});
}

}  // namespace

bool handle_relay_message(session_ptr self, const delivery& d) {
  auto v = mcp::parse_verdict(d.msg.content);
  if (!v) return false;
  // A verdict-shaped line is never shown as chat, whoever typed it.
  auto& st = self->state;
  const auto& approvers = st.cfg.approvers;
  if (std::find(approvers.begin(), approvers.end(), d.msg.sender_handle) == approvers.end()) {
    log::info("permission", "ignoring a verdict from " + d.msg.sender_handle + " (not an approver)");
    return true;
  }
  if (!st.pending_permissions.count(v->request_id)) return true;
  log::info("permission", d.msg.sender_handle + (v->allow ? " allowed " : " denied ") + v->request_id);
  send_verdict(self, v->request_id, v->allow);
  return true;
}

void handle_permission_timeout(session_ptr self, const std::string& request_id) {
  if (!self->state.pending_permissions.count(request_id)) return;
  send_verdict(self, request_id, false);
  post_to_relay(self, "No answer to " + request_id + " in time: denied.");
}

}  // namespace parley
