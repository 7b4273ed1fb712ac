#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "src/config/value.hpp"
#include "src/nats_client/connection_settings.hpp"
#include "src/error/result.hpp"

namespace parley::nats {

/// `backend_config` of the NATS JetStream backend. servers, subject_prefix,
/// stream_prefix and retention_days are the original's keys and defaults.
struct nats_config {
  connection_settings connection;
  std::string subject_prefix = "parley.";
  std::string stream_prefix = "PARLEY_";
  /// Sets max_age of streams this backend creates; unset: keep forever.
  std::optional<std::int64_t> retention_days;
  /// Reconnect behavior (ours): wait between attempts, its random jitter,
  /// and how many attempts before giving up (-1: never give up).
  std::int64_t reconnect_wait_ms = 250;
  std::int64_t reconnect_jitter_ms = 100;
  std::int64_t max_reconnect_attempts = -1;
  /// How long JetStream API calls and publish acknowledgements may take.
  std::int64_t request_timeout_ms = 5000;

  /// Reads and validates; `context: NAME` loads connection settings from
  /// ${XDG_CONFIG_HOME:-~/.config}/nats/context/NAME.json, and keys given
  /// beside it override the context's.
  [[nodiscard]] static nats_config parse(const config::value& v, std::vector<config::problem>& problems);
};

}  // namespace parley::nats
