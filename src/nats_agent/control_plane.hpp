#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "src/nats_agent/heartbeat.hpp"
#include "src/nats_agent/outcome.hpp"

/// The operators' control plane on `agents.parley.<owner>` (subjects.hpp),
/// after nats-pi-bridge's intake (docs/nats-agent-protocol.md, "Control plane"): a JSON request
/// `{"sessionMode": "list" | "inspect" | "stop", "sessionId"?}`, answered with one JSON reply
/// (plain publish, no headers, no terminator). Errors are `{"error": <code>, …}`
/// with that bridge's codes and context keys. Keys are camelCase like the
/// bridge's request (`sessionMode`, `sessionId`), unlike the snake_case of the
/// v0.3 agent documents.
namespace parley::nats_agent {

enum class control_mode { list, inspect, stop };

/// A well-formed control request. `session_id` is non-empty for inspect and
/// stop, empty for list (a given one is ignored).
struct control_request {
  control_mode mode = control_mode::list;
  std::string session_id;
};

enum class control_error_code {
  invalid_json,          ///< not JSON; + message
  invalid_request,       ///< not an object, sessionMode absent or not a string, …; + message
  invalid_session_mode,  ///< "invalid_sessionMode"; + sessionMode
  missing_fields,        ///< + required (array)
  not_found,             ///< + sessionId
  shutting_down,         ///< no context
};

/// One error reply. Only the context fields of `code` are emitted.
struct control_error {
  control_error_code code = control_error_code::invalid_request;
  std::string message;
  std::string session_mode;
  std::vector<std::string> required;
  std::string session_id;
};

/// Decodes a request. nats-pi-bridge's other modes (`run`, `session`) are an
/// `invalid_sessionMode` here: Parley exposes sessions, it does not spawn
/// them. inspect/stop without a non-empty string `sessionId` →
/// `missing_fields` with `required: ["sessionId"]`; a non-string
/// `sessionId` → `invalid_request`.
[[nodiscard]] outcome<control_request, control_error> decode_control_request(
    std::string_view payload);

/// nats-pi-bridge's wire name of a code (`invalid_sessionMode` keeps its casing).
[[nodiscard]] std::string_view to_string(control_error_code code) noexcept;

/// `{"error":"not_found","sessionId":…}` — no hosted session has that id.
[[nodiscard]] control_error not_found_error(std::string_view session_id);
/// `{"error":"shutting_down"}` — the process is stopping; nothing is started.
[[nodiscard]] control_error shutting_down_error();

/// `{"error":<code>, …context}`, e.g. `{"error":"missing_fields","required":["sessionId"]}`.
[[nodiscard]] std::string encode_control_error(const control_error& err);

/// One hosted session as the control plane shows it.
struct session_summary {
  /// The instance name (the subjects' 5th token): what inspect/stop take.
  std::string session_id;
  std::string agent;
  std::string owner;
  std::string instance_id;
  std::string subject;  ///< prompt subject
  std::string status_subject;
  std::string heartbeat_subject;
  session_state state;
  std::int64_t created_epoch_ms = 0;
  std::int64_t last_activity_epoch_ms = 0;
};

/// `{"sessions":[<summary>…]}` where a summary is
/// `{"sessionId","handle","agent","owner","instanceId","subject","statusSubject",
/// "heartbeatSubject","state":"idle"|"busy","queueLength","topics","createdAt","lastActivity"}`
/// (times ISO 8601 UTC with ms and `Z`).
[[nodiscard]] std::string encode_session_list(const std::vector<session_summary>& sessions);
/// `{"session":<summary>}`.
[[nodiscard]] std::string encode_session_inspect(const session_summary& session);
/// `{"ok":true,"sessionId":…}` — sent once the session's agent is stopped.
[[nodiscard]] std::string encode_stop_result(std::string_view session_id);

}  // namespace parley::nats_agent
