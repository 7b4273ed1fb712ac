#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "src/config/value.hpp"
#include "src/config/gateway_config.hpp"
#include "src/config/owners_config.hpp"
#include "src/nats_agent/agent_config.hpp"
#include "src/error/result.hpp"

namespace parley {

/// `catchup:` (original keys and defaults).
struct catchup_config {
  bool on_start = true;
  std::int64_t limit = 100;
  std::int64_t block_max_ms = 60'000;
  std::int64_t block_poll_interval_ms = 250;
};

/// `live_push:`. `echo_own_posts` is ours: the original always echoes a
/// session's own posts back to it; we suppress them unless asked.
struct live_push_config {
  bool enabled = false;
  bool mention_filter = false;
  bool echo_own_posts = false;
};

/// `presence:`. ttl_ms defaults to 3 × heartbeat_ms and must be ≥ it.
struct presence_config {
  bool enabled = true;
  std::string topic = "parley-presence";
  std::int64_t heartbeat_ms = 600'000;
  std::int64_t ttl_ms = 1'800'000;
};

/// `permissions:`. skip_permissions is the original's inert knob. The relay
/// keys are ours: without relay_topic no permission capability is declared.
struct permissions_config {
  bool skip_permissions = false;
  std::optional<std::string> relay_topic;
  /// Handles whose `yes <id>` / `no <id>` on relay_topic count as verdicts.
  std::vector<std::string> approvers;
  std::int64_t timeout_ms = 300'000;
};

/// `auth.oidc:` (docs/parley-behavior.md, "OIDC configuration"), validated here, used by the
/// gateway.
struct oidc_config {
  std::string issuer;
  std::optional<std::string> audience;
  std::optional<std::string> jwks_uri;
  std::optional<std::string> required_scope;
  std::vector<std::string> allowed_subjects;
  std::vector<std::string> allowed_usernames;
  std::optional<std::string> required_role;
  std::int64_t clock_skew_s = 30;
};

/// `auth:`: `builtin` (default) or `oidc`.
struct auth_config {
  std::string mode = "builtin";
  std::optional<oidc_config> oidc;
};

/// `stdio:` (ours): limits of the stdio transport.
struct stdio_config {
  /// A longer input line is answered with an error and skipped.
  std::int64_t max_line_bytes = 4 * 1024 * 1024;
};

/// The whole configuration: every key of the original's parley.config.yaml
/// with its defaults and cross-field rules, plus ours. See
/// config/parley.example.yaml for the reference of every key.
struct parley_config {
  /// The registry name of the backend. Absent → "sqlite".
  std::string backend = "sqlite";
  std::optional<std::string> instance_id;
  std::optional<std::string> state_path;
  /// identity.handle (required, non-empty).
  std::string handle;
  /// Explicit topics (at least one; never the presence topic).
  std::vector<std::string> topics;
  /// Regex sources, full-match (each must compile).
  std::vector<std::string> post_topics;
  catchup_config catchup;
  live_push_config live_push;
  presence_config presence;
  permissions_config permissions;
  auth_config auth;
  stdio_config stdio;
  /// Passed to the backend verbatim. When `backend:` is absent and no
  /// db_path is given, db_path is set to parley.db beside the config file.
  config::value backend_config;
  /// Directory of the config file (absolute), for relative defaults.
  std::string config_dir;
  /// `gateway:` (ours), for `parley serve`. The top-level identity, topics,
  /// post_topics and live_push make a profile named `default`; with
  /// gateway.profiles present the top-level identity and topics are optional.
  gateway_config gateway;
  /// `owners:` (docs/features.md, "Owners and the OAuth front door"): who may sign in on the
  /// gateway's OAuth consent page, each with their own profiles, topic namespace and limits.
  std::vector<owner_config> owners;
  /// `nats_agent:` (docs/features.md, "NATS agents"): expose the session (stdio) or the sessions of
  /// profiles that opt in (gateway) as NATS agents.
  nats_agent::agent_config nats_agent;
};

/// Builds the typed config from a tree, recording every problem with its key
/// path (unknown keys included) instead of stopping at the first.
[[nodiscard]] parley_config parse_config(const config::value& root, const std::string& config_dir,
                                         std::vector<config::problem>& problems);

/// Reads a YAML file into a tree. errc::io_error when unreadable,
/// errc::invalid_config with line and column when it is not valid YAML.
[[nodiscard]] result<config::value> read_yaml_file(const std::string& path);

/// read_yaml_file + parse_config. On problems: errc::invalid_config whose
/// message lists one `<path>: <problem>` per line, ready to print.
[[nodiscard]] result<parley_config> load_config(const std::string& path);

}  // namespace parley
