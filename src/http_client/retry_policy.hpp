#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <vector>

#include "src/http_client/http_message.hpp"

namespace parley::http {

/// Reads a server's "wait this long" from a 429 body, e.g. Matrix's
/// `retry_after_ms` or Discord's `retry_after` (seconds, a float). nullopt
/// when the body names none.
using retry_after_extractor =
    std::function<std::optional<std::chrono::milliseconds>(const http_response&)>;

/// How http_client::call treats what is not a plain success. The defaults
/// suit a request that must not be sent twice (a POST that creates a
/// message): 429 is waited out, everything else fails at once.
struct retry_policy {
  /// Safe to send again after a transport error (the request may or may not
  /// have reached the server): GET, PUT with a transaction id, DELETE.
  bool idempotent = false;
  /// Statuses besides 2xx handed back as a response rather than an error,
  /// e.g. 404 for "no such room", which a backend maps to errc::no_such_topic.
  std::vector<long> allowed_statuses;
  /// Reads the wait from a 429 body. Without one, or when it finds none, the
  /// Retry-After header (seconds) is used.
  retry_after_extractor retry_after;
  /// The wait when the server names none, or names zero or less.
  std::chrono::milliseconds default_429_wait{500};
  /// The longest 429 wait honoured: a server asking for a minute gets 5 s,
  /// and is asked again then.
  std::chrono::milliseconds max_429_wait{5000};
  /// Attempts in all when idempotent and the transport fails (1 = no retry).
  int transport_attempts = 3;
  /// The first transport retry's delay; it doubles, with jitter (src/util/backoff.hpp).
  std::chrono::milliseconds transport_backoff{200};

  /// A policy for a request that may be sent again.
  [[nodiscard]] static retry_policy retry_safe() {
    retry_policy p;
    p.idempotent = true;
    return p;
  }
};

/// How long to wait after the 429 `resp` before asking again: the extractor's
/// value, else the Retry-After header's, when it is positive; else the
/// default; never more than the cap.
[[nodiscard]] std::chrono::milliseconds wait_after_429(const http_response& resp,
                                                       const retry_policy& policy);

}  // namespace parley::http
