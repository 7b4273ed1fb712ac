#include "src/oauth/metadata.hpp"

#include <catch2/catch.hpp>

#include "src/oauth/bearer_challenge.hpp"

using namespace parley::oauth;

TEST_CASE("metadata: protected resource and authorization server documents", "[oauth]") {
  const std::string prm = protected_resource_metadata("https://parley.example.com");
  CHECK(
      prm ==
      R"({"resource":"https://parley.example.com/mcp","authorization_servers":["https://parley.example.com"],)"
      R"("scopes_supported":["mcp"],"bearer_methods_supported":["header"],"resource_name":"Parley"})");
  const std::string as = authorization_server_metadata("https://parley.example.com");
  CHECK(as.find(R"("issuer":"https://parley.example.com")") != std::string::npos);
  CHECK(as.find(R"("authorization_endpoint":"https://parley.example.com/authorize")") !=
        std::string::npos);
  CHECK(as.find(R"("token_endpoint":"https://parley.example.com/token")") != std::string::npos);
  CHECK(as.find(R"("registration_endpoint":"https://parley.example.com/register")") !=
        std::string::npos);
  CHECK(as.find(R"("revocation_endpoint":"https://parley.example.com/revoke")") !=
        std::string::npos);
  CHECK(as.find(R"("code_challenge_methods_supported":["S256"])") != std::string::npos);
  CHECK(as.find(R"("grant_types_supported":["authorization_code","refresh_token"])") !=
        std::string::npos);
}

TEST_CASE("bearer challenge: header values and token parsing", "[oauth]") {
  CHECK(invalid_token_challenge("http://127.0.0.1:7420", "expired \"token\" \xc3\xa9") ==
        "Bearer error=\"invalid_token\", error_description=\"expired ?token? ??\", scope=\"mcp\", "
        "resource_metadata=\"http://127.0.0.1:7420/.well-known/oauth-protected-resource/mcp\"");
  CHECK(insufficient_scope_challenge("https://p.example", "mcp", "needs mcp") ==
        "Bearer error=\"insufficient_scope\", error_description=\"needs mcp\", scope=\"mcp\", "
        "resource_metadata=\"https://p.example/.well-known/oauth-protected-resource/mcp\"");
  CHECK(bearer_token("Bearer abc") == std::optional<std::string>("abc"));
  CHECK(bearer_token("bearer  abc ") == std::optional<std::string>("abc"));
  CHECK(bearer_token("Basic abc") == std::nullopt);
  CHECK(bearer_token("Bearer") == std::nullopt);
  CHECK(bearer_token("Bearer a b") == std::nullopt);
  CHECK(bearer_error_body("invalid_token", "x") ==
        R"({"error":"invalid_token","error_description":"x"})");
}
