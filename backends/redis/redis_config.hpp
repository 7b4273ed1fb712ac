#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "src/config/value.hpp"

namespace parley::redis {

/// Where the server is and who we are on it: the parts of
/// `redis://[user:pass@]host:port[/db]`.
struct endpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  /// ACL user (Redis 6+); empty means `AUTH <password>` alone.
  std::string user;
  /// Empty means no AUTH at all.
  std::string password;
  /// SELECTed after connecting when not 0.
  int db = 0;

  /// `host:port/db` without credentials, for messages and logs.
  [[nodiscard]] std::string describe() const;

  /// Parses the url form above. User and password may be percent-encoded;
  /// an IPv6 host is written in brackets. `rediss://` (TLS) and unix sockets
  /// are refused with the reason: hiredis 0.14 has no TLS.
  [[nodiscard]] static std::optional<endpoint> parse(const std::string& url, std::string& why);
};

/// `backend_config` of the Redis backend. The first four keys are the
/// original's, with its defaults; the rest are ours.
struct redis_config {
  /// The original's `url`, parsed.
  endpoint server;
  /// Every topic lives in the stream `<key_prefix><topic>`. All sessions of a
  /// deployment, of either implementation, must agree on it.
  std::string key_prefix = "parley:";
  /// How long one XREAD of the live reader blocks, in ms. Not a latency: the
  /// reader returns at once when a message arrives.
  std::int64_t block_ms = 2000;
  /// Posts trim their stream with `MINID ~ <now - days>` when set.
  std::optional<std::int64_t> retention_days;
  /// Entries per stream per XREAD of the live reader (the original's 256).
  std::int64_t read_count = 256;
  /// Connect timeout and the longest a command may take, in ms.
  std::int64_t timeout_ms = 5000;
  /// First delay before reconnecting after a loss, in ms; doubles per failed
  /// attempt up to `reconnect_max_ms`, each delay jittered.
  std::int64_t reconnect_min_ms = 50;
  std::int64_t reconnect_max_ms = 5000;

  /// Reads and validates; problems carry paths under `backend_config`.
  [[nodiscard]] static redis_config parse(const config::value& v,
                                          std::vector<config::problem>& problems);
};

}  // namespace parley::redis
