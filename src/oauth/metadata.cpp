#include "src/oauth/metadata.hpp"

#include "src/json/writer.hpp"

namespace parley::oauth {

std::string resource_uri(std::string_view public_url) {
  return std::string(public_url) + "/mcp";
}

std::string resource_metadata_uri(std::string_view public_url) {
  return std::string(public_url) + "/.well-known/oauth-protected-resource/mcp";
}

std::string protected_resource_metadata(std::string_view public_url) {
  json::writer w;
  w.begin_object();
  w.key("resource").value(resource_uri(public_url));
  w.key("authorization_servers").string_array({std::string(public_url)});
  w.key("scopes_supported").string_array({std::string(k_scope_mcp)});
  w.key("bearer_methods_supported").string_array({"header"});
  w.key("resource_name").value("Parley");
  w.end_object();
  return std::move(w).take();
}

std::string authorization_server_metadata(std::string_view public_url) {
  const std::string base(public_url);
  json::writer w;
  w.begin_object();
  w.key("issuer").value(base);
  w.key("authorization_endpoint").value(base + "/authorize");
  w.key("token_endpoint").value(base + "/token");
  w.key("registration_endpoint").value(base + "/register");
  w.key("revocation_endpoint").value(base + "/revoke");
  w.key("response_types_supported").string_array({"code"});
  w.key("response_modes_supported").string_array({"query"});
  w.key("grant_types_supported").string_array({"authorization_code", "refresh_token"});
  w.key("code_challenge_methods_supported").string_array({"S256"});
  w.key("token_endpoint_auth_methods_supported")
      .string_array({"client_secret_post", "client_secret_basic", "none"});
  w.key("revocation_endpoint_auth_methods_supported")
      .string_array({"client_secret_post", "client_secret_basic", "none"});
  w.key("scopes_supported").string_array({std::string(k_scope_mcp)});
  w.key("authorization_response_iss_parameter_supported").value(true);
  w.end_object();
  return std::move(w).take();
}

}  // namespace parley::oauth
