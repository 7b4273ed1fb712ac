#pragma once

#include <string>
#include <string_view>

namespace parley::oauth {

/// The one scope the gateway grants: use the MCP endpoint as the profile
/// chosen at consent.
inline constexpr std::string_view k_scope_mcp = "mcp";

/// The canonical resource identifier (RFC 8707) of the MCP endpoint:
/// `<public_url>/mcp`. Tokens are bound to exactly this string.
[[nodiscard]] std::string resource_uri(std::string_view public_url);

/// Where the protected resource metadata lives; named in every 401.
[[nodiscard]] std::string resource_metadata_uri(std::string_view public_url);

/// RFC 9728 protected resource metadata for /mcp (JSON).
[[nodiscard]] std::string protected_resource_metadata(std::string_view public_url);

/// RFC 8414 authorization server metadata (JSON). The issuer is the public
/// URL without a trailing slash, the same string the PRM names.
[[nodiscard]] std::string authorization_server_metadata(std::string_view public_url);

}  // namespace parley::oauth
