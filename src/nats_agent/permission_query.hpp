#pragma once

#include <string>
#include <string_view>

/// Permission relay over NATS (docs/nats-agent-protocol.md, "Permission relay"): while a NATS
/// request is active, a permission request from the session becomes a
/// `query` chunk on that request's stream (response_stream.hpp query_chunk),
/// and the caller's single answer on the query inbox decides it.
namespace parley::nats_agent {

/// How long the actor waits for the answer by default; silence denies.
inline constexpr int default_query_timeout_s = 120;

/// The question's text, as the Claude Code channel words it:
/// `<tool_name>: <description>\n\n<input_preview>\n\nReply 'yes' to allow or
/// 'no' to deny.` — the preview paragraph left out when it is empty.
[[nodiscard]] std::string permission_query_prompt(std::string_view tool_name,
                                                  std::string_view description,
                                                  std::string_view input_preview);

enum class permission_behavior { allow, deny };

/// The decision and whether the answer was understood at all (an answer
/// that was not is a deny, but worth logging).
struct permission_answer {
  permission_behavior behavior = permission_behavior::deny;
  bool recognized = false;
};

/// Reads the caller's reply, fail-closed. After trimming whitespace:
/// `y`, `yes`, `allow` (any case) allow; `n`, `no`, `deny` deny. A payload
/// starting with `{` is read as JSON: a string `behavior` of `allow`/`deny`
/// decides (same words as above, any case); otherwise a string `prompt` (the
/// answer sent as a prompt envelope) is read by the text rule. Anything else
/// — empty, other words, bad JSON, other types — denies, unrecognized.
[[nodiscard]] permission_answer parse_permission_answer(std::string_view payload);

/// `allow` / `deny`, the `behavior` value of the MCP permission notification.
[[nodiscard]] std::string_view to_string(permission_behavior b) noexcept;

}  // namespace parley::nats_agent
