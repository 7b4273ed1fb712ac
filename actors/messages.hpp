#pragma once

// The messages actors exchange. They never leave the process, so they are
// plain structs allowed as "unsafe" (not serializable) message types; each
// names who sends it to whom.

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "src/mcp/protocol.hpp"
#include "src/mcp/tools.hpp"
#include "src/model/allowlist.hpp"
#include "src/model/message.hpp"
#include "src/seam/backend.hpp"

namespace parley {

/// Identifies an mcp_session within the process.
using session_id = std::uint64_t;

// ---- anyone → backend_connection (answered by one of its workers) --------

/// Connect with this backend_config. Answer: done_result.
struct connect_cmd {
  config::value backend_config;
};
/// Disconnect (stops every subscription). Answer: done_result.
struct disconnect_cmd {};
using done_result = result<bool>;

/// Write one message. Answer: post_result, the message as stored.
struct post_cmd {
  post_request req;
};
using post_result = result<stored_post>;

/// Read a page. Answer: fetch_result.
struct fetch_cmd {
  fetch_request req;
};
using fetch_result = result<page>;

/// Start live delivery of `topic` to `target` (a topic_subscription), which
/// then receives live_message and live_gap. Answer: subscribe_result.
struct subscribe_cmd {
  std::string topic;
  caf::actor target;
};

/// Keeps a live subscription (and its sink) alive; dropping it cancels.
struct live_handle {
  std::shared_ptr<void> keepalive;
};
using subscribe_result = result<live_handle>;

/// backend plugin → backend_connection: its health changed.
struct health_event {
  health state = health::connected;
  std::string reason;
};

// ---- backend sink → topic_subscription ------------------------------------

struct live_message {
  message msg;
};
struct live_gap {};

// ---- router → topic_subscription -----------------------------------------

/// A session of this process posted to the topic and the backend stored it.
/// The subscription delivers it at once when it directly follows the last
/// message delivered, and otherwise reads the gap from storage first; either
/// way the other local sessions need not wait for the backend's live echo.
struct local_post {
  stored_post stored;
};

// ---- topic_subscription → router ------------------------------------------

/// Messages of one topic, in cursor order (may repeat earlier ones: the
/// router drops duplicates).
struct topic_batch {
  std::string topic;
  std::vector<message> messages;
};

/// The subscription is live (or failed to become so).
struct topic_ready {
  std::string topic;
  std::optional<error> failure;
};

// ---- mcp_session ↔ router --------------------------------------------------

/// Who a session is and what it may touch. Immutable once registered.
struct session_profile {
  std::string handle;
  topic_allowlist allow;
  bool mention_filter = false;
  bool echo_own_posts = false;
  /// Where permission prompts are posted; may be outside the allowlist.
  std::optional<std::string> relay_topic;
  /// Clamp for block_ms.
  std::int64_t block_max_ms = 60'000;
  /// The owner's topic namespace as a prefix (`alice.`), empty for none
  /// (see docs/features.md, "Owners and the OAuth front door"): `allow` and the backend use
  /// prefixed names, the client never sees the prefix.
  std::string topic_prefix;
  /// The allowlist as the client sees it (tools/list); unset: `allow`.
  std::optional<topic_allowlist> shown_allow;
  /// The presence topic of the session's owner; empty: the router's.
  std::string presence_topic;
};

struct register_session {
  session_id id = 0;
  caf::actor session;
  std::shared_ptr<const session_profile> profile;
};
struct unregister_session {
  session_id id = 0;
};

/// Listen to these topics (explicit topics and the relay topic). Answered
/// with join_result once every subscription is live, so a catch-up started
/// afterwards cannot miss a message.
struct join_topics {
  session_id id = 0;
  std::vector<std::string> topics;
};
using join_result = done_result;

/// parley_post / parley_reply. Answer: post_result.
struct tool_post {
  session_id id = 0;
  mcp::post_args args;
};

/// A post the session makes on its own behalf (a permission prompt to its
/// relay topic). Answer: post_result.
struct system_post {
  session_id id = 0;
  std::string topic;
  std::string content;
};

/// parley_fetch_recent, long-poll included. Answer: fetch_result.
struct tool_fetch {
  session_id id = 0;
  mcp::fetch_recent_args args;
};

/// Page of the presence topic for parley_list_users; `scope` is checked
/// against the allowlist first. Answer: fetch_result.
struct roster_fetch {
  session_id id = 0;
  std::optional<std::string> scope;
};

/// router → mcp_session: one message of a topic the session joined.
/// `notification` is the serialized channel event, built once per message
/// and shared by every recipient. `push` is false when the session must not
/// show it (its own post, filtered by mention) but should still count it as
/// read.
struct delivery {
  message msg;
  std::shared_ptr<const std::string> notification;
  bool push = true;
};

// ---- transport → mcp_session ----------------------------------------------

/// One line (stdio) or body (HTTP) from the client.
struct rpc_input {
  std::string text;
};
/// A line longer than the limit was discarded.
struct oversized_input {
  std::size_t bytes = 0;
};

// ---- mcp_session ↔ its NATS agent endpoint (nats_agent/) -----------------
/// agent → session: a NATS request became current; push this channel event.
struct agent_prompt {
  std::shared_ptr<const std::string> notification;
};
/// session → agent: the `reply` tool. Answer: done_result (an error names
/// the unknown request id).
struct agent_reply {
  mcp::nats_reply_args args;
};
/// session → agent: Claude Code asks whether a tool may run. Answer: bool,
/// true when the question went to the active NATS caller (the verdict
/// follows as agent_permission_verdict), false when there is none.
struct agent_permission {
  mcp::permission_request req;
};
/// agent → session: the NATS caller's answer (or the timeout's deny).
struct agent_permission_verdict {
  std::string request_id;
  bool allow = false;
};

// ---- supervisor ↔ everyone -------------------------------------------------

/// Begin a graceful shutdown (signal, stdin EOF). Sessions answer when done.
struct shutdown_request {
  std::string reason;
};
struct shutdown_done {};

}  // namespace parley

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::connect_cmd)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::disconnect_cmd)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::done_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::post_cmd)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::post_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::fetch_cmd)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::fetch_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::subscribe_cmd)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::subscribe_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::health_event)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::live_message)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::live_gap)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::local_post)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::topic_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::topic_ready)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::register_session)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::unregister_session)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::join_topics)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::tool_post)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::system_post)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::tool_fetch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::roster_fetch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::delivery)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::rpc_input)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::oversized_input)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::agent_prompt)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::agent_reply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::agent_permission)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::agent_permission_verdict)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::shutdown_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::shutdown_done)
