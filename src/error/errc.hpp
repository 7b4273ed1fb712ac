#pragma once

#include <string>
#include <string_view>

namespace parley {

/// Every failure that crosses a module boundary is one of these codes plus a
/// human-readable message. Callers branch on the code, users read the message.
enum class errc {
  /// A cursor the backend did not mint, or one that does not parse.
  malformed_cursor = 1,
  /// The topic has no representation on the backend. The only error that
  /// means "absent"; every other code is a real failure.
  no_such_topic,
  /// The caller passed an argument outside the documented range.
  invalid_argument,
  /// The backend (or its server) cannot be reached or failed mid-operation.
  /// Retrying later may succeed.
  backend_unavailable,
  /// The backend refused our credentials. Retrying will not help.
  bad_credentials,
  /// Configuration is missing, has the wrong type or an unknown key.
  invalid_config,
  /// The operation needs connect() first, or disconnect() already ran.
  not_connected,
  /// The content exceeds what the backend can store in one message.
  payload_too_large,
  /// A name given to the registry or a command line is unknown.
  unknown_name,
  /// Local I/O (files, sockets) failed.
  io_error,
  /// A bug: an invariant did not hold. Reported, never silently ignored.
  internal,
};

/// Stable lower-case name of a code, for logs and metrics.
[[nodiscard]] std::string_view to_string(errc code) noexcept;

/// A failure: what kind, and what a user should read.
struct error {
  errc code = errc::internal;
  std::string message;

  [[nodiscard]] friend bool operator==(const error&, const error&) = default;
};

}  // namespace parley
