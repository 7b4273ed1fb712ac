#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parley::oauth {

/// What a client registered (RFC 7591), after defaults.
struct client_metadata {
  std::vector<std::string> redirect_uris;
  /// `none` (public client), `client_secret_post` or `client_secret_basic`
  /// (the RFC 7591 default). Secret clients may authenticate either way.
  std::string token_endpoint_auth_method = "client_secret_basic";
  std::vector<std::string> grant_types{"authorization_code"};
  std::vector<std::string> response_types{"code"};
  /// Client-supplied, unverified: shown muted on the consent page.
  std::string client_name;
  /// The registered metadata as a JSON object (members only, no braces),
  /// echoed in the 201 reply with the server-assigned fields added.
  std::string echo_members;
};

/// Either the metadata, or an RFC 7591 §3.2.2 error (`invalid_redirect_uri`,
/// `invalid_client_metadata`) with a description for the client developer.
struct registration_result {
  std::optional<client_metadata> metadata;
  std::string error;
  std::string error_description;
};

/// Validates a registration request body. Unknown members are ignored
/// (RFC 7591 §2); known ones of the wrong type are refused.
[[nodiscard]] registration_result parse_registration(std::string_view json);

/// https with a host, or http on a loopback host (127.0.0.1, localhost,
/// [::1], any port); never a fragment, user info, whitespace or control
/// characters. Loopback http is what native clients (Claude Code) listen on.
[[nodiscard]] bool is_allowed_redirect_uri(std::string_view uri);

}  // namespace parley::oauth
