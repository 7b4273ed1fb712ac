#pragma once

// The state of an mcp_session, shared by the files that implement it:
// mcp_session.cpp (lifecycle and dispatch), tool_calls.cpp, catchup.cpp and
// permission_relay.cpp.

#include <caf/all.hpp>

#include <chrono>
#include <deque>
#include <map>
#include <set>

#include "src/mcp/jsonrpc.hpp"
#include "src/mcp/protocol.hpp"
#include "actors/mcp_session/mcp_session.hpp"
#include "src/model/seen_set.hpp"

namespace parley {

/// Internal timers and steps of a session.
struct flush_read_state {};
struct permission_timeout {
  std::string request_id;
};
struct shutdown_step {};
/// Try joining the live topics again (after a failed join).
struct live_join_retry {
  int attempt = 0;
};

struct session_state {
  session_settings cfg;
  std::string tools_list;  // rendered once: the profile never changes

  bool initialize_seen = false;
  bool initialized = false;
  std::string version = std::string(mcp::supported_versions[0]);
  /// Channel events waiting for notifications/initialized.
  std::vector<std::pair<std::shared_ptr<const std::string>, std::optional<droppable_event>>> before_initialized;

  /// Ids already shown or fetched, per topic: never pushed (again).
  std::map<std::string, seen_set> seen;
  /// Topics whose on-start catch-up is running, with live deliveries held.
  std::map<std::string, std::vector<delivery>> catching_up;
  std::map<std::string, std::string> read_cursors;
  std::map<std::string, std::string> dirty_cursors;
  bool flush_scheduled = false;

  /// Requests the client cancelled; their answers are dropped.
  std::set<std::string> cancelled;
  /// Tool calls in flight; shutdown waits for them (bounded).
  int inflight = 0;

  caf::actor presence;
  /// The NATS agent endpoint, when the session is exposed on NATS.
  caf::actor nats_agent;
  /// Permission requests waiting for a verdict.
  std::set<std::string> pending_permissions;

  std::optional<caf::response_promise> shutdown_promise;
  std::chrono::steady_clock::time_point shutdown_deadline;
  bool stopping = false;

  static inline const char* name = "mcp_session";
};

using session_ptr = caf::stateful_actor<session_state>*;

// mcp_session.cpp
/// An error (or any complete response) for the request with this id.
void send_response(session_ptr self, const std::string& id_json, std::string json);
/// A notification that is not a channel event (permission verdicts).
void send_notification(session_ptr self, std::string json);
/// A channel event; `event` (topic, cursor) when it carries a topic message.
void push_event(session_ptr self, std::shared_ptr<const std::string> json, std::optional<droppable_event> event);
void respond(session_ptr self, const std::string& id_json, std::string result_json);
void note_read(session_ptr self, const message& m);
/// A backend topic as the client names it: without the owner's prefix.
[[nodiscard]] std::string client_topic(session_ptr self, const std::string& backend_topic);
/// A client's topic name as the backend stores it.
[[nodiscard]] std::string backend_topic(session_ptr self, const std::string& client_topic);
/// The message as the client sees it (topic without the owner's prefix).
[[nodiscard]] message client_message(session_ptr self, message m);
/// The channel event of `m` for this client: `shared` (built once by the
/// router for every recipient) unless the owner's prefix must come off.
[[nodiscard]] std::shared_ptr<const std::string> client_notification(session_ptr self, const message& m,
                                                                     std::shared_ptr<const std::string> shared);

// tool_calls.cpp
void handle_tools_call(session_ptr self, const std::string& id_json, const std::string& params_json);

// catchup.cpp
void start_catchup(session_ptr self, const std::vector<std::string>& topics);
void handle_delivery(session_ptr self, delivery d);

// permission_relay.cpp
void handle_permission_request(session_ptr self, const std::string& params_json);
/// True when the delivery was a verdict (handled, never shown).
bool handle_relay_message(session_ptr self, const delivery& d);
void handle_permission_timeout(session_ptr self, const std::string& request_id);
/// The NATS caller answered a permission request (or its query timed out).
void handle_agent_verdict(session_ptr self, const std::string& request_id, bool allow);

}  // namespace parley

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::flush_read_state)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::permission_timeout)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::shutdown_step)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::live_join_retry)
