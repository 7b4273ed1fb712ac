#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace parley::oauth {

/// The token of an `Authorization: Bearer <token>` header value (scheme
/// case-insensitive, RFC 6750 §2.1); nullopt for any other shape. Tokens in
/// the query string are never looked at.
[[nodiscard]] std::optional<std::string> bearer_token(std::string_view authorization_header);

/// The `WWW-Authenticate` value of a 401 from /mcp:
/// `Bearer error="invalid_token", error_description="…", scope="mcp",
/// resource_metadata="<public_url>/.well-known/oauth-protected-resource/mcp"`.
/// The description is reduced to printable ASCII without quotes or
/// backslashes: a non-Latin-1 byte in a header turned the original's 401s
/// into 500s.
[[nodiscard]] std::string invalid_token_challenge(std::string_view public_url,
                                                  std::string_view description);

/// The `WWW-Authenticate` value of a 403 for a token lacking `scope`.
[[nodiscard]] std::string insufficient_scope_challenge(std::string_view public_url,
                                                       std::string_view scope,
                                                       std::string_view description);

/// The JSON body that goes with either challenge: {"error","error_description"}.
[[nodiscard]] std::string bearer_error_body(std::string_view error, std::string_view description);

}  // namespace parley::oauth
