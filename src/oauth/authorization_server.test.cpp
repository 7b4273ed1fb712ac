#include "src/oauth/authorization_server.hpp"

#include "src/oauth/testing/oauth_fixture.hpp"

using namespace parley::oauth;
using namespace parley::oauth::testing;
namespace base64 = parley::base64;
using parley::sha256_raw;

TEST_CASE("authorization server: metadata documents and foreign paths", "[oauth]") {
  fixture f;
  for (const char* path :
       {"/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"}) {
    auto r = f.get(path);
    CHECK(r.status == 200);
    CHECK(r.header("Content-Type") == std::optional<std::string>("application/json"));
    CHECK(json_string(r.body, "resource") == k_resource);
  }
  auto as = f.get("/.well-known/oauth-authorization-server");
  CHECK(as.status == 200);
  CHECK(json_string(as.body, "issuer") == k_public);
  CHECK(json_string(as.body, "token_endpoint") == std::string(k_public) + "/token");
  CHECK(as.body.find(R"("code_challenge_methods_supported":["S256"])") != std::string::npos);

  oauth_request other;
  other.method = "GET";
  other.path = "/mcp";
  CHECK_FALSE(f.server->handle(other));
  other.path = "/healthz";
  CHECK_FALSE(f.server->handle(other));
  CHECK(f.get("/token").status == 405);
  CHECK(f.post("/.well-known/oauth-authorization-server", "").status == 405);
  CHECK(f.server->resource() == k_resource);
}

TEST_CASE("authorization server: dynamic client registration", "[oauth]") {
  fixture f;
  SECTION("a public client gets no secret") {
    auto r = f.post("/register",
                    std::string(R"({"redirect_uris":[")") + k_redirect +
                        R"("],"token_endpoint_auth_method":"none","client_name":"Claude"})",
                    "application/json");
    CHECK(r.status == 201);
    CHECK(r.header("Cache-Control") == std::optional<std::string>("no-store"));
    CHECK(json_string(r.body, "client_id").size() == 36);
    CHECK(json_int(r.body, "client_id_issued_at") == f.clock);
    CHECK(json_string(r.body, "client_secret") == "<absent>");
    CHECK(json_string(r.body, "client_name") == "Claude");
    CHECK(json_string(r.body, "token_endpoint_auth_method") == "none");
  }
  SECTION("a client without an auth method gets a secret that never expires (RFC 7591 default)") {
    auto r = f.post("/register", R"({"redirect_uris":["http://localhost:33418/callback"]})",
                    "application/json");
    CHECK(r.status == 201);
    CHECK(json_string(r.body, "client_secret").size() == 43);
    CHECK(json_int(r.body, "client_secret_expires_at") == 0);
    CHECK(json_string(r.body, "token_endpoint_auth_method") == "client_secret_basic");
  }
  SECTION("refusals") {
    check_oauth_error(f.post("/register", "{not json", "application/json"), 400,
                      "invalid_client_metadata");
    check_oauth_error(
        f.post("/register", R"({"redirect_uris":["http://evil.example/cb"]})", "application/json"),
        400, "invalid_redirect_uri");
    check_oauth_error(f.post("/register", R"({"redirect_uris":["https://a.example/cb"]})", k_form),
                      400, "invalid_client_metadata");
    check_oauth_error(f.post("/register", std::string(70 * 1024, ' '), "application/json"), 400,
                      "invalid_request");
  }
}

TEST_CASE("authorization server: a restart keeps clients and grants", "[oauth]") {
  fixture f;
  auto [client_id, secret] = f.register_client();
  auto t = f.obtain_tokens(client_id);
  pkce_pair pkce;
  const std::string code = f.obtain_code(client_id, pkce);
  auto pending = f.open_consent(client_id, pkce);

  f.restart();
  auto info = f.server->verify_access_token(t.access);
  REQUIRE(info);
  CHECK(info->owner == "alice");
  CHECK(f.exchange_code(client_id, code, pkce.verifier).status == 200);
  CHECK(f.submit(pending, "alice", "alice-secret").status == 302);
  auto r = f.refresh(client_id, t.refresh);
  CHECK(r.status == 200);
  CHECK(f.server->verify_access_token(json_string(r.body, "access_token")));
}

TEST_CASE("authorization server: access tokens are checked for expiry, resource and owner",
          "[oauth]") {
  fixture f;
  auto [client_id, secret] = f.register_client();
  auto t = f.obtain_tokens(client_id, "bob", "bob-secret");
  CHECK(f.server->verify_access_token(t.access));
  CHECK_FALSE(f.server->verify_access_token(t.refresh));
  CHECK_FALSE(f.server->verify_access_token(""));
  CHECK_FALSE(f.server->verify_access_token("Bearer " + t.access));
  f.clock += 3599;
  CHECK(f.server->verify_access_token(t.access));
  f.clock += 1;
  CHECK_FALSE(f.server->verify_access_token(t.access));
  f.clock -= 3600;

  // Another public URL is another resource: the token is foreign there.
  authorization_server_options o;
  o.public_url = "https://elsewhere.example";
  authorization_server elsewhere(o, f.owners, f.store, [&] { return f.clock; });
  CHECK_FALSE(elsewhere.verify_access_token(t.access));

  // An owner removed from config loses their tokens.
  auto without_bob = f.owners;
  without_bob.pop_back();
  o.public_url = k_public;
  authorization_server reconfigured(o, without_bob, f.store, [&] { return f.clock; });
  CHECK_FALSE(reconfigured.verify_access_token(t.access));
  check_oauth_error(*reconfigured.handle({"POST", "/token", "",
                                          "grant_type=refresh_token&refresh_token=" + t.refresh +
                                              "&client_id=" + client_id,
                                          k_form, "", "", "192.0.2.1"}),
                    400, "invalid_grant");
}

TEST_CASE("authorization server: 401 and 403 challenges name the resource metadata", "[oauth]") {
  fixture f;
  CHECK(
      f.server->invalid_token_challenge("access token is invalid or expired") ==
      "Bearer error=\"invalid_token\", error_description=\"access token is invalid or expired\", "
      "scope=\"mcp\", "
      "resource_metadata=\"https://parley.example.com/.well-known/oauth-protected-resource/mcp\"");
  const std::string forbidden = f.server->insufficient_scope_challenge("mcp");
  CHECK(forbidden.rfind("Bearer error=\"insufficient_scope\"", 0) == 0);
  CHECK(forbidden.find("scope=\"mcp\"") != std::string::npos);
  CHECK(forbidden.find("resource_metadata=\"https://parley.example.com/.well-known/"
                       "oauth-protected-resource/mcp\"") != std::string::npos);
}

TEST_CASE("authorization server: sweep removes expired rows", "[oauth]") {
  fixture f;
  auto [client_id, secret] = f.register_client();
  auto t = f.obtain_tokens(client_id);
  f.clock += 31LL * 24 * 3600;
  f.server->sweep();
  // Gone from the store, not merely expired.
  auto row = f.store->find_access(t.access);
  REQUIRE(row);
  CHECK_FALSE(row->has_value());
  CHECK(f.store->find_client(client_id)->has_value());
}
