#include "src/oauth/client_registration.hpp"

#include <catch2/catch.hpp>

using namespace parley::oauth;

TEST_CASE("client registration: a public client as the MCP SDK registers it", "[oauth]") {
  auto r = parse_registration(
      R"({"client_name":"Claude","redirect_uris":["https://claude.ai/api/mcp/auth_callback"],
          "grant_types":["authorization_code","refresh_token"],"response_types":["code"],
          "token_endpoint_auth_method":"none","scope":"mcp","unknown_member":{"x":1}})");
  REQUIRE(r.metadata);
  CHECK(r.metadata->token_endpoint_auth_method == "none");
  CHECK(r.metadata->client_name == "Claude");
  CHECK(r.metadata->redirect_uris.size() == 1);
  CHECK(r.metadata->echo_members.find("\"scope\":\"mcp\"") != std::string::npos);
  CHECK(r.metadata->echo_members.find("unknown_member") == std::string::npos);
}

TEST_CASE("client registration: RFC 7591 defaults", "[oauth]") {
  auto r = parse_registration(R"({"redirect_uris":["http://127.0.0.1:33418/callback"]})");
  REQUIRE(r.metadata);
  CHECK(r.metadata->token_endpoint_auth_method == "client_secret_basic");
  CHECK(r.metadata->grant_types == std::vector<std::string>{"authorization_code"});
  CHECK(r.metadata->response_types == std::vector<std::string>{"code"});
}

TEST_CASE("client registration: refusals", "[oauth]") {
  auto error_of = [](std::string_view body) { return parse_registration(body).error; };
  CHECK(error_of("{") == "invalid_client_metadata");
  CHECK(error_of("[]") == "invalid_client_metadata");
  CHECK(error_of("{}") == "invalid_redirect_uri");
  CHECK(error_of(R"({"redirect_uris":[]})") == "invalid_redirect_uri");
  CHECK(error_of(R"({"redirect_uris":"https://x.example/cb"})") == "invalid_redirect_uri");
  CHECK(error_of(R"({"redirect_uris":["http://evil.example/cb"]})") == "invalid_redirect_uri");
  CHECK(error_of(R"({"redirect_uris":["https://x.example/cb#frag"]})") == "invalid_redirect_uri");
  CHECK(
      error_of(
          R"({"redirect_uris":["https://x.example/cb"],"token_endpoint_auth_method":"private_key_jwt"})") ==
      "invalid_client_metadata");
  CHECK(error_of(R"({"redirect_uris":["https://x.example/cb"],"grant_types":["implicit"]})") ==
        "invalid_client_metadata");
  CHECK(error_of(R"({"redirect_uris":["https://x.example/cb"],"response_types":["token"]})") ==
        "invalid_client_metadata");
  CHECK(error_of(R"({"redirect_uris":["https://x.example/cb"],"client_name":5})") ==
        "invalid_client_metadata");
}

TEST_CASE("client registration: redirect URIs https or loopback only", "[oauth]") {
  CHECK(is_allowed_redirect_uri("https://claude.ai/api/mcp/auth_callback"));
  CHECK(is_allowed_redirect_uri("http://localhost:8080/cb?x=1"));
  CHECK(is_allowed_redirect_uri("http://127.0.0.1/cb"));
  CHECK(is_allowed_redirect_uri("http://[::1]:9000/cb"));
  CHECK(is_allowed_redirect_uri("HTTPS://Example.COM/cb"));
  CHECK_FALSE(is_allowed_redirect_uri("http://localhost.evil.example/cb"));
  CHECK_FALSE(is_allowed_redirect_uri("http://127.0.0.1@evil.example/cb"));
  CHECK_FALSE(is_allowed_redirect_uri("https://user@x.example/cb"));
  CHECK_FALSE(is_allowed_redirect_uri("https:///cb"));
  CHECK_FALSE(is_allowed_redirect_uri("https://x.example:99999x/cb"));
  CHECK_FALSE(is_allowed_redirect_uri("javascript:alert(1)"));
  CHECK_FALSE(is_allowed_redirect_uri("https://x.example/c b"));
}
