#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "src/nats_client/connection_settings.hpp"

typedef struct __natsOptions natsOptions;

namespace parley::nats {

/// How a client reconnects and names itself; the rest of its options come
/// from connection_settings.
struct client_policy {
  /// Shown in the server's connection list; unset: cnats' default (none).
  std::optional<std::string> client_name;
  /// Attempts before giving up (-1: never give up).
  int max_reconnect_attempts = -1;
  std::int64_t reconnect_wait_ms = 250;
  /// Random jitter added to each wait; unset: cnats' default.
  std::optional<std::int64_t> reconnect_jitter_ms;
};

/// New cnats options for `settings` under `policy`: servers, credentials,
/// TLS, reconnects, and what every Parley client wants: publishes sent at
/// once (they are someone's latency) and one delivery pool shared by all
/// subscriptions instead of a thread each. The caller adds its callbacks and
/// owns the result (natsOptions_Destroy); nullptr when cnats is out of memory.
[[nodiscard]] natsOptions* make_client_options(const connection_settings& settings, const client_policy& policy);

}  // namespace parley::nats
