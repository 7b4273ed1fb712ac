#include "src/oidc/discovery.hpp"

#include "src/oidc/json_object.hpp"
#include "src/util/url.hpp"

namespace parley::oidc {

namespace {

std::string_view without_one_trailing_slash(std::string_view s) {
  if (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return s;
}

}  // namespace

std::string discovery_url(std::string_view issuer) {
  return std::string(without_one_trailing_slash(issuer)) + "/.well-known/openid-configuration";
}

result<discovery_result> discover(const oidc_config& config, const fetch_function& fetch) {
  const std::string url = discovery_url(config.issuer);
  auto response = fetch(url);
  if (!response)
    return fail(errc::backend_unavailable, "OIDC discovery failed: cannot reach " + url + " (" +
                                               response.error().message + ")");
  if (response->status != 200)
    return fail(errc::backend_unavailable, "OIDC discovery failed: " + url + " returned HTTP " +
                                               std::to_string(response->status));
  auto invalid = [&](const std::string& why) {
    return fail(errc::invalid_config,
                "OIDC discovery failed: " + url + " returned an invalid document (" + why + ")");
  };
  simdjson::dom::parser parser;
  auto doc = parse_json_object(parser, response->body, "discovery document");
  if (!doc) return invalid(doc.error().message);
  std::string_view issuer;
  if ((*doc)["issuer"].get_string().get(issuer)) return invalid("no \"issuer\" string");
  if (without_one_trailing_slash(issuer) != without_one_trailing_slash(config.issuer))
    return fail(errc::invalid_config,
                "OIDC discovery failed: document issuer \"" + std::string(issuer) +
                    "\" does not match configured issuer \"" + config.issuer + "\"");
  discovery_result out;
  out.issuer = std::string(issuer);
  out.document = std::move(response->body);
  if (config.jwks_uri) {
    out.jwks_uri = *config.jwks_uri;
    return out;
  }
  std::string_view jwks;
  if ((*doc)["jwks_uri"].get_string().get(jwks)) return invalid("no \"jwks_uri\" string");
  const auto jwks_url = url::parse_http_url(jwks);
  if (!jwks_url) return invalid("jwks_uri is not an http(s) URL");
  const auto issuer_url = url::parse_http_url(config.issuer);
  if (!issuer_url) return fail(errc::invalid_config, "auth.oidc.issuer is not an http(s) URL");
  if (jwks_url->origin() != issuer_url->origin())
    return fail(errc::invalid_config,
                "OIDC discovery: jwks_uri origin " + jwks_url->origin() +
                    " does not match issuer origin " + issuer_url->origin() +
                    ". Pin it explicitly via auth.oidc.jwks_uri if that origin is trusted.");
  out.jwks_uri = std::string(jwks);
  return out;
}

}  // namespace parley::oidc
