#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "src/mcp/tool_table.hpp"
#include "src/model/allowlist.hpp"
#include "src/model/message.hpp"
#include "src/presence/roster.hpp"

namespace parley::mcp {

struct fetch_recent_args {
  std::string topic;
  std::optional<std::string> since;
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> block_ms;
};

/// parley_post and parley_reply take the same arguments.
struct post_args {
  std::string topic;
  std::string content;
  std::optional<std::string> in_reply_to;
  /// True for parley_reply.
  bool reply = false;
};

struct list_users_args {
  std::optional<std::string> filter;
  std::optional<std::string> topic;
  bool online_only = false;
  std::optional<std::int64_t> since_ms;
  std::optional<std::int64_t> limit;
};

/// `reply`: text for the NATS request `request_id`; `done` ends its stream.
struct nats_reply_args {
  std::string request_id;
  std::string text;
  bool done = true;
};

/// A decoded `tools/call`: typed arguments, or the text of an isError result
/// telling the model what was wrong (argument errors are tool errors, not
/// protocol errors, so the model can correct itself).
struct tool_call {
  std::string name;
  /// The tool called; nullopt when no session offers one by that name.
  std::optional<tool_id> id;
  std::variant<std::monostate, fetch_recent_args, post_args, list_users_args, nats_reply_args> args;
  std::string error;

  [[nodiscard]] bool ok() const noexcept { return error.empty(); }
};

/// Decodes `tools/call` params. Unknown tool names, missing or ill-typed
/// arguments and out-of-range numbers are reported in `error`. The topic
/// allowlist is not checked here: the router enforces it.
[[nodiscard]] tool_call decode_tool_call(std::string_view params_json);

/// A successful tool result whose single text item is `pretty_json`.
[[nodiscard]] std::string tool_result(std::string_view pretty_json);
/// A tool result with isError and a message for the model.
[[nodiscard]] std::string tool_error(std::string_view text);

/// `{"messages":[...],"nextCursor":"..."}` as JSON.stringify(v, null, 2).
[[nodiscard]] std::string render_page(const page& p);
/// `{"backendMsgId":"..."}`, pretty.
[[nodiscard]] std::string render_post(std::string_view backend_msg_id);
/// `{"users":[...],"truncated":bool}`, pretty.
[[nodiscard]] std::string render_roster(const std::vector<presence::peer>& users, bool truncated);

/// `topic not allowed: "<topic>"`, the original's text.
[[nodiscard]] std::string topic_not_allowed(std::string_view topic);

}  // namespace parley::mcp
