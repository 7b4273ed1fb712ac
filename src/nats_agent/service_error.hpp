#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/nats_agent/outcome.hpp"

/// Error replies of the micro protocol (docs/nats-agent-protocol.md, "Errors"): one frame
/// whose *headers* carry the error, then the header-less terminator
/// (response_stream.hpp builds both frames).
namespace parley::nats_agent {

/// Header with the decimal error code, e.g. `400`.
inline constexpr std::string_view error_code_header = "Nats-Service-Error-Code";
/// Header with the one-line description.
inline constexpr std::string_view error_description_header = "Nats-Service-Error";

/// The codes we send. The protocol's list also has 401/403/404/409/429
/// (docs/nats-agent-protocol.md, "Errors").
inline constexpr int code_bad_request = 400;  ///< validation: envelope, size, base64, names
inline constexpr int code_internal = 500;     ///< our own failure (staging, handler)
inline constexpr int code_unavailable = 503;  ///< shutting down; expired in the queue

/// Longest description we send, in characters (UTF-16 units, as the SDKs
/// count), `...` included.
inline constexpr std::size_t max_description_units = 200;

/// A service error: the code and a description already made one line.
struct service_error {
  int code = code_internal;
  std::string description;

  [[nodiscard]] friend bool operator==(const service_error&, const service_error&) = default;
};

/// A value, or the service error to answer with.
template <class T>
using service_result = outcome<T, service_error>;

/// Makes `text` a valid header value the way the SDKs do: lines (split at
/// CR, LF or CRLF) are trimmed, empty ones dropped, the rest joined with
/// ` | `; other control characters become spaces, malformed UTF-8 U+FFFD; the result is cut to 200
/// characters ending in ASCII `...`, never inside a UTF-8 sequence. Empty
/// input gives `error` (micro rejects an empty description).
[[nodiscard]] std::string one_line_description(std::string_view text);

/// A service_error with `description` passed through one_line_description.
[[nodiscard]] service_error make_service_error(int code, std::string_view description);

/// The two headers of an error frame, code first.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> error_headers(
    const service_error& err);

/// 500 `handler error: <message>` — the session failed while answering.
[[nodiscard]] service_error handler_error(std::string_view message);
/// 503 `session stopped` — pending requests on shutdown (pi-headless's text).
[[nodiscard]] service_error shutdown_error();
/// 503 `request waited longer than <n> s in the queue` — dropped by the
/// pending-age sweep.
[[nodiscard]] service_error expired_error(std::int64_t max_pending_age_s);

}  // namespace parley::nats_agent
