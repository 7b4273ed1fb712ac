#pragma once

#include <string>
#include <string_view>

#include "src/nats_agent/identity.hpp"

/// The subjects an agent uses (docs/nats-agent-protocol.md, "Subjects"). Tokens are taken as
/// given: identity.hpp has already validated or sanitized them.
namespace parley::nats_agent {

/// v0.3 verb-first layout, `agents.<verb>.<agent>.<owner>.<session>`.
[[nodiscard]] std::string prompt_subject(const identity& id);     ///< micro endpoint `prompt`
[[nodiscard]] std::string status_subject(const identity& id);     ///< micro endpoint `status`
[[nodiscard]] std::string heartbeat_subject(const identity& id);  ///< `agents.hb.…`, plain publish

/// The v0.2 layout, for old callers when `legacy_v02` is on:
/// prompt `agents.<agent>.<owner>.<session>` (4 tokens) and heartbeat
/// `<that>.heartbeat`. v0.2 had no status endpoint. The legacy prompt subject
/// is subscribed in queue group `agents` beside the v0.3 one and served by the
/// same handler (v0.2 streams are the same chunks and terminator), but it is
/// *not* advertised in `$SRV.INFO`: two endpoints named `prompt` would make
/// discovery ambiguous, and v0.3 callers must only ever see the v0.3 subject.
[[nodiscard]] std::string legacy_prompt_subject(const identity& id);
[[nodiscard]] std::string legacy_heartbeat_subject(const identity& id);

/// Token of the control plane's subject. Pinned in docs/features.md, "NATS agents" (operators rely
/// on it), independent of the configured `agent` kind.
inline constexpr std::string_view control_token = "parley";

/// The operators' control plane, `agents.parley.<owner>` (docs/nats-agent-protocol.md, "Control
/// plane"; after nats-pi-bridge's intake subject `agents.pi-exec.<owner>`). Three tokens, so it can
/// never equal a v0.3 (5) or v0.2 (4) agent subject.
[[nodiscard]] std::string control_subject(std::string_view owner);

/// Heartbeat wildcard callers subscribe to (`agents.hb.*.*.*`).
inline constexpr std::string_view heartbeat_wildcard = "agents.hb.*.*.*";

/// The instance name of a v0.3 prompt subject (its 5th token), or "" when
/// `subject` is not `agents.prompt.<a>.<b>.<c>`. What callers read, since the
/// name is not repeated in metadata.
[[nodiscard]] std::string_view instance_name_of(std::string_view prompt_subject) noexcept;

}  // namespace parley::nats_agent
