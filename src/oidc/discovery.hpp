#pragma once

#include <string>
#include <string_view>

#include "src/config/parley_config.hpp"
#include "src/oidc/fetch.hpp"
#include "src/error/result.hpp"

namespace parley::oidc {

/// What gateway boot learns from the identity provider.
struct discovery_result {
  /// The document's `issuer`, verbatim: a token's `iss` must equal exactly
  /// this (it may differ from the configured issuer by a trailing slash).
  std::string issuer;
  /// `auth.oidc.jwks_uri` when pinned, else the document's `jwks_uri`.
  std::string jwks_uri;
  /// The document as served, for the mirror at
  /// /.well-known/oauth-authorization-server.
  std::string document;
};

/// `<issuer>/.well-known/openid-configuration`: the suffix goes after the
/// issuer's path (OIDC Discovery §4), one trailing slash of the issuer
/// dropped first so there is no `//`.
[[nodiscard]] std::string discovery_url(std::string_view issuer);

/// Fetches and checks the discovery document (docs/parley-behavior.md, "OIDC resource-server
/// mode"). Any error means the gateway must not start; its message is the boot error,
/// one of:
///   OIDC discovery failed: cannot reach <url> (<why>)
///   OIDC discovery failed: <url> returned HTTP <status>
///   OIDC discovery failed: <url> returned an invalid document (<why>)
///   OIDC discovery failed: document issuer "<x>" does not match configured issuer "<y>"
///   OIDC discovery: jwks_uri origin <a> does not match issuer origin <b>. Pin it ...
/// The first two are errc::backend_unavailable, the rest errc::invalid_config.
/// The issuer comparison ignores one trailing slash on either side. The
/// origin rule keeps a compromised or misconfigured document from pointing
/// us at someone else's keys; a pinned `auth.oidc.jwks_uri` is the operator
/// saying the other origin is trusted.
[[nodiscard]] result<discovery_result> discover(const oidc_config& config,
                                                const fetch_function& fetch);

}  // namespace parley::oidc
