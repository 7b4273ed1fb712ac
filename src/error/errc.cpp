#include "src/error/errc.hpp"

namespace parley {

std::string_view to_string(errc code) noexcept {
  switch (code) {
    case errc::malformed_cursor: return "malformed_cursor";
    case errc::no_such_topic: return "no_such_topic";
    case errc::invalid_argument: return "invalid_argument";
    case errc::backend_unavailable: return "backend_unavailable";
    case errc::bad_credentials: return "bad_credentials";
    case errc::invalid_config: return "invalid_config";
    case errc::not_connected: return "not_connected";
    case errc::payload_too_large: return "payload_too_large";
    case errc::unknown_name: return "unknown_name";
    case errc::io_error: return "io_error";
    case errc::internal: return "internal";
  }
  return "unknown";
}

}  // namespace parley
