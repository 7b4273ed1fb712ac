#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "src/model/allowlist.hpp"

namespace parley::mcp {

/// Every tool a session may offer, in tools/list order.
enum class tool_id : std::uint8_t { fetch_recent, post, reply, list_users, nats_reply };
inline constexpr std::size_t tool_count = 5;

/// One argument of a tool's input schema.
struct tool_property {
  enum class type : std::uint8_t { topic, string, integer, boolean };
  type kind = type::string;
  std::string_view name;
  std::string_view description;
  /// topic: list the allowed topics as an enum when the allowlist is closed.
  bool topic_enum = false;
  /// integer: the lower bound, exclusive or not.
  std::int64_t minimum = 0;
  bool exclusive_minimum = false;
  /// string: maxLength; 0 for none.
  std::size_t max_length = 0;
  /// boolean: the default, when it has one.
  std::optional<bool> default_value;
};

/// What follows a tool's description: nothing, the allowed topics and
/// patterns (the original's describeAllowed), or the configured topics only.
enum class topic_hint : std::uint8_t { none, allowed, configured };

/// One tool: its name (exactly as the original's), what the model reads
/// about it, and its input schema.
struct tool_spec {
  tool_id id = tool_id::fetch_recent;
  std::string_view name;
  std::string_view description;
  topic_hint hint = topic_hint::none;
  std::span<const tool_property> properties;
  std::span<const std::string_view> required;
  /// Offered only to a session exposed as a NATS agent (and not one of the
  /// tools metrics count by name).
  bool nats_agent_only = false;
};

/// The one table of tools: tools/list, the argument decoder and the metrics
/// labels are all derived from it.
[[nodiscard]] std::span<const tool_spec> tool_table() noexcept;

/// The table's entry for `id`.
[[nodiscard]] const tool_spec& tool(tool_id id) noexcept;

/// The tool's name, as the client calls it.
[[nodiscard]] inline std::string_view tool_name(tool_id id) noexcept {
  return tool(id).name;
}

/// The tool called `name`; nullopt for a name no session offers.
[[nodiscard]] std::optional<tool_id> find_tool(std::string_view name) noexcept;

/// The `tools/list` result for a session with this allowlist: the four
/// parley tools, schema-compatible with the original (topic enums when the
/// allowlist is closed, the describeAllowed fragments). With `nats_reply` the
/// `reply` tool of a NATS agent session follows them.
[[nodiscard]] std::string tools_list(const topic_allowlist& allow, bool nats_reply = false);

}  // namespace parley::mcp
