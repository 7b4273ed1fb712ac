#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "src/error/result.hpp"

/// Subject tokens of the agent protocol (docs/nats-agent-protocol.md, "Tokens" and "Deriving
/// tokens"): what a token may contain, and how a value we *derive* (a user name, a
/// directory name, a handle) becomes one.
namespace parley::nats_agent {

/// The protocol recommends tokens of 1–63 characters (docs/nats-agent-protocol.md, "Tokens").
inline constexpr std::size_t max_recommended_token_length = 63;

/// A value we derived ourselves, made into a token the way the Claude Code and
/// PI channels do (docs/nats-agent-protocol.md, "Deriving tokens"): every character outside
/// `[A-Za-z0-9_-]` becomes `-` (one per UTF-16 code unit, so an emoji becomes `--`; a malformed
/// byte counts as one U+FFFD), ASCII is lower-cased, and leading and trailing `-`
/// runs are stripped; runs inside are kept. Unlike those channels the result
/// is also cut to 63 bytes (then re-trimmed), the protocol's recommended maximum, so a
/// long directory name still yields a recommended token. May return "" — the
/// caller picks its fallback (`unknown`, `default`).
[[nodiscard]] std::string sanitize_token(std::string_view raw);

/// The hard rules every identity token must meet (SDK `assertValidToken`):
/// non-empty, not starting with `$`, and free of `.`, `*`, `>`, whitespace and
/// control characters (NUL included). A token breaking them would change the
/// subject's shape, so an explicit (configured) value that fails is an error,
/// never silently repaired. `what` names the value in the message
/// ("nats_agent.owner"). errc::invalid_config on failure.
[[nodiscard]] result<void> validate_token(std::string_view token, std::string_view what);

/// True when `token` is 1–63 characters of `[a-z0-9_-]` (SDK
/// `isRecommendedToken`). Valid but non-recommended tokens are legal; callers
/// may warn.
[[nodiscard]] bool is_recommended_token(std::string_view token) noexcept;

/// NATS micro names and instance ids: `^[A-Za-z0-9_-]+$`. Clients validate an
/// instance id with this before building `$SRV.INFO.agents.<id>`.
[[nodiscard]] bool is_valid_micro_name(std::string_view name) noexcept;

}  // namespace parley::nats_agent
