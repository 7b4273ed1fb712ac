#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "src/error/result.hpp"

namespace parley::nats_agent {

struct agent_config;

/// Who an agent is on the bus: the three identity tokens of every subject
/// `agents.<verb>.<agent>.<owner>.<session>` and of the service metadata.
struct identity {
  /// metadata.agent and the subject's 3rd token (we use no abbreviation).
  std::string agent = "parley";
  /// metadata.owner and the 4th token.
  std::string owner;
  /// metadata.session and the 5th token (the instance name).
  std::string session;

  [[nodiscard]] friend bool operator==(const identity&, const identity&) = default;
};

/// Every source an identity may come from, gathered before resolving so the
/// resolution itself is pure. Explicit values (environment, configuration) are
/// validated and never rewritten: a bad one is an error, as in the Claude Code
/// channel. Derived values are sanitized (tokens.hpp) and fall back when
/// nothing usable is left. An empty explicit value counts as absent.
struct identity_sources {
  /// A value from an environment variable, with the variable's name for
  /// error messages.
  struct env_value {
    std::string variable;
    std::string value;
  };

  /// Config `agent`; absent → "parley".
  std::optional<std::string> config_agent;
  /// First of $SYNADIA_PARLEY_OWNER, $SYNADIA_OWNER (the Claude Code channel's pattern
  /// SYNADIA_<HARNESS>_OWNER > SYNADIA_OWNER). Wins over config.
  std::optional<env_value> env_owner;
  /// Config `owner`.
  std::optional<std::string> config_owner;
  /// $USER, sanitized when nothing explicit is given; fallback "unknown".
  std::string user;
  /// First of $SYNADIA_PARLEY_NAME, $SYNADIA_NAME, $SESH_SESSION,
  /// $NATS_SESSION_NAME (docs/nats-agent-protocol.md "Deriving tokens": the Claude Code channel's
  /// order, with sesh's SESH_SESSION placed before NATS_SESSION_NAME as it says). Wins over config.
  std::optional<env_value> env_session;
  /// Config `session`.
  std::optional<std::string> config_session;
  /// What the session name is derived from when nothing explicit is given:
  /// the working directory's basename (stdio) or the session's handle
  /// (gateway). Sanitized; fallback "default".
  std::string session_basis;
};

/// Looks up an environment variable; nullopt when unset.
using env_lookup = std::function<std::optional<std::string>(const char* name)>;

/// The process environment through getenv.
[[nodiscard]] env_lookup process_environment();

/// Gathers the sources for the one agent of a stdio process: `cfg`'s agent,
/// owner and session, the owner and session environment variables above,
/// $USER, and the basename of `cwd` ("/" and "" have none → fallback). In
/// gateway mode the actor fills identity_sources itself: session_basis = the
/// handle, and no env_session (one variable cannot name many sessions).
[[nodiscard]] identity_sources stdio_identity_sources(const agent_config& cfg, std::string_view cwd,
                                                      const env_lookup& env);

/// Picks each token by precedence (agent: config > "parley"; owner: env >
/// config > sanitized user > "unknown"; session: env > config > sanitized
/// basis > "default") and validates the explicit ones. errc::invalid_config
/// names the offending source (`$SYNADIA_OWNER`, `nats_agent.session`).
/// The session returned is the *base* name; collision.hpp may suffix it.
[[nodiscard]] result<identity> resolve_identity(const identity_sources& sources);

}  // namespace parley::nats_agent
