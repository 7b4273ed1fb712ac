#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parley::mcp {

/// JSON-RPC 2.0 error codes used by MCP.
namespace rpc_code {
inline constexpr int parse_error = -32700;
inline constexpr int invalid_request = -32600;
inline constexpr int method_not_found = -32601;
inline constexpr int invalid_params = -32602;
inline constexpr int internal_error = -32603;
}  // namespace rpc_code

/// One JSON-RPC message from the client, reduced to what the server needs.
/// `params_json` is the raw params object (or empty); the method-specific
/// decoders in tools.hpp / protocol.hpp turn it into typed values, so no
/// actor ever handles JSON text it did not produce.
struct rpc_message {
  enum class kind { request, notification, response };
  kind type = kind::request;
  /// The id exactly as sent (`1`, `"a"`), echoed verbatim in the response so
  /// its JSON type is kept. Empty for notifications.
  std::string id_json;
  std::string method;
  /// Raw JSON text of `params` (an object), or empty when absent.
  std::string params_json;
};

/// A message that could not be accepted, ready to answer.
struct rpc_failure {
  int code = rpc_code::invalid_request;
  std::string message;
  /// The id if it could be read, else "null".
  std::string id_json = "null";
};

/// The outcome of decoding one line or body.
struct decoded {
  std::vector<rpc_message> messages;
  /// Answers owed for parts that were not acceptable.
  std::vector<rpc_failure> failures;
  /// The input was a JSON array (a 2025-03-26 batch).
  bool batch = false;
};

/// Decodes one JSON-RPC message or batch. Invalid JSON or invalid UTF-8 is a
/// parse error (-32700); valid JSON that is not a JSON-RPC message is an
/// invalid request (-32600). Never throws.
[[nodiscard]] decoded decode(std::string_view text);

/// `{"jsonrpc":"2.0","id":<id>,"result":<result_json>}`
[[nodiscard]] std::string result_response(std::string_view id_json, std::string_view result_json);

/// `{"jsonrpc":"2.0","id":<id>,"error":{"code":..,"message":..}}`
[[nodiscard]] std::string error_response(std::string_view id_json, int code, std::string_view message);

/// `{"jsonrpc":"2.0","method":<method>,"params":<params_json>}`
[[nodiscard]] std::string notification(std::string_view method, std::string_view params_json);

}  // namespace parley::mcp
