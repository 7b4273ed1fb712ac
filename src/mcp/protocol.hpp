#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "src/model/message.hpp"

namespace parley::mcp {

/// The MCP revisions this server speaks, newest first.
inline constexpr std::string_view supported_versions[] = {"2025-11-25", "2025-06-18", "2025-03-26",
                                                          "2024-11-05"};

/// The version to answer `initialize` with: the client's if we speak it,
/// else our newest (the client then decides whether it can go on).
[[nodiscard]] std::string_view negotiate_version(std::string_view requested) noexcept;

/// What the server declares at initialize.
struct server_features {
  /// `experimental["claude/channel"]` and the instructions: stdio channels.
  bool channel = true;
  /// `experimental["claude/channel/permission"]`: only with a relay topic.
  bool permission_relay = false;
  /// The session is also a NATS agent: the instructions explain its
  /// prompts and the `reply` tool, and permission prompts can be relayed to
  /// the NATS caller.
  bool nats_agent = false;
  /// Server version string for serverInfo.
  std::string version;
};

/// Params of `initialize` that we use.
struct initialize_params {
  std::string protocol_version;
  std::string client_name;
  std::string client_version;
};

/// Decodes `initialize` params; a missing protocolVersion reads as "".
[[nodiscard]] initialize_params decode_initialize(std::string_view params_json);

/// The InitializeResult object (JSON) for a negotiated version.
[[nodiscard]] std::string initialize_result(std::string_view version, const server_features& f);

/// `notifications/claude/channel` for one message: content plus meta
/// {topic, sender, cursor, msg_id, mentions?, in_reply_to?}. Built once per
/// message and shared by every session that receives it.
[[nodiscard]] std::string channel_notification(const message& msg);

/// A channel event that is not a topic message (a backlog notice, a missed
/// messages notice): content plus the given meta pairs. Keys must be
/// identifiers (checked; offending keys are dropped, never sent).
[[nodiscard]] std::string channel_notice(std::string_view content,
                                         const std::vector<std::pair<std::string, std::string>>& meta);

/// Is `key` acceptable to Claude Code as a meta key (`^[A-Za-z0-9_]+$`)?
[[nodiscard]] bool is_meta_key(std::string_view key) noexcept;

/// Params of `notifications/claude/channel/permission_request`.
struct permission_request {
  std::string request_id;
  std::string tool_name;
  std::string description;
  std::string input_preview;
};

/// Decodes a permission request; nullopt when request_id is missing or not
/// five letters of `[a-km-z]`.
[[nodiscard]] std::optional<permission_request> decode_permission_request(std::string_view params_json);

/// `notifications/claude/channel/permission` {request_id, behavior}.
[[nodiscard]] std::string permission_verdict(std::string_view request_id, bool allow);

/// A verdict typed by an approver: `^\s*(y|yes|n|no)\s+([a-km-z]{5})\s*$`,
/// case-insensitive. Returns the lower-cased id and whether it allows.
struct verdict {
  std::string request_id;
  bool allow = false;
};
[[nodiscard]] std::optional<verdict> parse_verdict(std::string_view text);

/// `notifications/cancelled` params: the id of the request to abandon.
[[nodiscard]] std::optional<std::string> decode_cancelled(std::string_view params_json);

}  // namespace parley::mcp
