#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "src/config/value.hpp"

namespace parley {

/// Who an MCP session of the gateway is: chosen by the credential it presents.
struct gateway_profile {
  std::string name;
  std::string handle;
  std::vector<std::string> topics;
  std::vector<std::string> post_topics;
  bool live_push = true;
  bool mention_filter = false;
  bool echo_own_posts = false;
  bool presence = true;
  /// `nats_agent: { enabled: true }`: each session of this profile is also
  /// a NATS agent (the top-level `nats_agent:` block says where and how).
  bool nats_agent = false;
};

/// A static bearer token, stored only as its SHA-256 (`parley hash-token`).
struct gateway_token {
  std::string sha256_hex;
  std::string profile;
};

/// How long what the built-in authorization server issues stays valid, in
/// seconds: configured under `gateway.oauth:` and used as they are by the
/// server, so the two cannot drift apart.
struct oauth_lifetimes {
  std::int64_t code_ttl_s = 60;
  std::int64_t access_ttl_s = 3600;
  std::int64_t refresh_ttl_s = 30LL * 24 * 3600;
};

/// `gateway.oauth:` (docs/features.md, "Owners and the OAuth front door"): the built-in
/// authorization server's state and lifetimes. It runs when `owners:` are configured and
/// `auth.mode` is builtin.
struct gateway_oauth_config : oauth_lifetimes {
  /// The SQLite file of clients and grants (hashed); a restart keeps every
  /// grant. Empty: `parley-gateway.db` in the state directory.
  std::string state_db;
  /// Registered clients kept; one more evicts the oldest.
  std::int64_t max_clients = 1000;
};

/// `gateway:` (ours): `parley serve`, Streamable HTTP MCP at /mcp.
struct gateway_config {
  /// `HOST:PORT` (`gateway.listen`, or `parley serve --listen`); port 0
  /// picks a free one.
  std::string listen = "127.0.0.1:7420";
  std::string listen_host = "127.0.0.1";
  std::int64_t port = 7420;
  /// The URL clients use; its origin is allowed, and it names /mcp.
  /// Default: http://<listen>.
  std::string public_url;
  /// Origins allowed besides the public URL's and loopback ones.
  std::vector<std::string> allowed_origins;
  /// HTTP I/O threads; one serves thousands of connections (measured
  /// faster than two on 2 vCPUs, bench/gateway_bench).
  std::int64_t io_threads = 1;
  std::int64_t session_idle_timeout_s = 1800;
  std::int64_t max_body_bytes = 4 * 1024 * 1024;
  /// Events kept per session for Last-Event-ID replay.
  std::int64_t replay_events = 1000;
  /// A client this far behind on its event stream gets channel events
  /// dropped (counted, announced once it catches up).
  std::int64_t max_backlog_bytes = 8 * 1024 * 1024;
  std::int64_t max_sessions = 10000;
  std::vector<gateway_profile> profiles;
  std::vector<gateway_token> tokens;
  gateway_oauth_config oauth;
  /// Whether `public_url` was given (config or PARLEY_PUBLIC_URL) rather
  /// than derived from `listen` (then a port 0 is replaced by the bound one).
  bool public_url_given = false;
};

/// Reads `gateway:` (absent: every default); problems carry `gateway.<key>`
/// paths. Profiles and tokens are checked by `parley serve`, not here: a
/// stdio config needs neither.
[[nodiscard]] gateway_config parse_gateway_config(const config::value& v, const std::string& presence_topic,
                                                  std::vector<config::problem>& problems);

/// Reads one profile (`identity: {handle}`, `topics`, `post_topics`,
/// `live_push`, `presence`, ...) exactly as gateway.profiles does, with
/// problems reported under `path` (`owners.alice.profiles.web`): owners'
/// profiles share the shape.
[[nodiscard]] gateway_profile parse_gateway_profile(const std::string& name, const config::value& v,
                                                    const std::string& path, const std::string& presence_topic,
                                                    std::vector<config::problem>& problems);

/// Splits `HOST:PORT` (`[::1]:7420` for IPv6); false if it is not one.
[[nodiscard]] bool parse_listen(const std::string& listen, std::string& host, std::int64_t& port);

/// Lower-case hex SHA-256 of a token, as stored in `gateway.tokens`.
[[nodiscard]] std::string token_digest(const std::string& token);

}  // namespace parley
