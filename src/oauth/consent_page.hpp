#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace parley::oauth {

/// Where the consent form posts: beside /authorize, so the CSRF cookie can
/// be scoped to `Path=/authorize`.
inline constexpr std::string_view k_consent_path = "/authorize/consent";

/// What one rendering of the consent page shows.
struct consent_view {
  /// The pending consent handle (hidden field `request`).
  std::string request_handle;
  /// The CSRF token (hidden field `csrf`, also in the cookie).
  std::string csrf_token;
  /// Where the code will go; its origin is shown prominently, as the one
  /// thing the owner can check.
  std::string redirect_uri;
  /// Client-supplied and unverified: shown muted.
  std::string client_name;
  std::vector<std::string> scopes;
  /// Pre-filled after a failed attempt; the secret never is.
  std::string owner;
  std::string profile = "default";
  /// Shown above the form when not empty (`wrong owner or secret`).
  std::string error;
};

/// `&`, `<`, `>`, `"`, `'` escaped (the original's html.ts rules).
[[nodiscard]] std::string html_escape(std::string_view s);

/// The sign-in and approval form: plain HTML, no JavaScript, fields
/// `owner`, `secret`, `profile`, hidden `request` and `csrf`, and two submit
/// buttons `decision=approve` / `decision=deny`.
[[nodiscard]] std::string render_consent_page(const consent_view& view);

/// A page for errors that cannot go back to the client (unknown client,
/// unregistered redirect URI, expired consent): `<h1>title</h1>` and text.
[[nodiscard]] std::string render_error_page(std::string_view title, std::string_view message);

}  // namespace parley::oauth
