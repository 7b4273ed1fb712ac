#include "src/oauth/authorization_server.hpp"

#include "src/oauth/testing/oauth_fixture.hpp"

using namespace parley::oauth;
using namespace parley::oauth::testing;
namespace base64 = parley::base64;
using parley::sha256_raw;

TEST_CASE("authorization server: the whole flow, two owners at once", "[oauth]") {
  fixture f;
  auto [client_id, secret] = f.register_client();
  pkce_pair pkce;
  auto form = f.open_consent(client_id, pkce, "st&ate");
  auto approved = f.submit(form, "alice", "alice-secret", "code");
  REQUIRE(approved.status == 302);
  auto q = location_params(approved);
  CHECK(approved.header("Location")->rfind(std::string(k_redirect) + "?code=", 0) == 0);
  CHECK(q.value_or_empty("state") == "st&ate");
  CHECK(q.value_or_empty("code").size() == 43);

  auto tok = f.exchange_code(client_id, q.value_or_empty("code"), pkce.verifier);
  REQUIRE(tok.status == 200);
  CHECK(tok.header("Cache-Control") == std::optional<std::string>("no-store"));
  CHECK(json_string(tok.body, "token_type") == "Bearer");
  CHECK(json_int(tok.body, "expires_in") == 3600);
  CHECK(json_string(tok.body, "scope") == "mcp");
  const std::string access = json_string(tok.body, "access_token");
  auto info = f.server->verify_access_token(access);
  REQUIRE(info);
  CHECK(info->owner == "alice");
  CHECK(info->profile == "code");
  CHECK(info->client_id == client_id);
  CHECK(info->scopes == std::vector<std::string>{"mcp"});
  CHECK(info->resource == k_resource);
  CHECK(info->expires_at == f.clock + 3600);

  auto bob = f.obtain_tokens(client_id, "bob", "bob-secret");
  auto bob_info = f.server->verify_access_token(bob.access);
  REQUIRE(bob_info);
  CHECK(bob_info->owner == "bob");
  CHECK(f.server->verify_access_token(access)->owner == "alice");

  // Refresh after expiry: rotated pair, the old refresh token spent.
  f.clock += 3600;
  CHECK_FALSE(f.server->verify_access_token(access));
  auto refreshed = f.refresh(client_id, json_string(tok.body, "refresh_token"),
                             "&resource=" + form_encode(k_resource));
  REQUIRE(refreshed.status == 200);
  const std::string access2 = json_string(refreshed.body, "access_token");
  CHECK(access2 != access);
  CHECK(json_string(refreshed.body, "refresh_token") != json_string(tok.body, "refresh_token"));
  REQUIRE(f.server->verify_access_token(access2));
  CHECK(f.server->verify_access_token(access2)->profile == "code");
  CHECK(f.server->verify_access_token(bob.access).has_value() == false);  // bob's expired as well
}

TEST_CASE("authorization server: /token refusals for codes", "[oauth]") {
  fixture f;
  auto [client_id, secret] = f.register_client();
  pkce_pair pkce;

  SECTION("a code works once") {
    const std::string code = f.obtain_code(client_id, pkce);
    CHECK(f.exchange_code(client_id, code, pkce.verifier).status == 200);
    check_oauth_error(f.exchange_code(client_id, code, pkce.verifier), 400, "invalid_grant");
  }
  SECTION("a PKCE mismatch burns the code") {
    const std::string code = f.obtain_code(client_id, pkce);
    check_oauth_error(f.exchange_code(client_id, code, pkce_pair().verifier), 400, "invalid_grant");
    check_oauth_error(f.exchange_code(client_id, code, pkce.verifier), 400, "invalid_grant");
  }
  SECTION("an expired code") {
    const std::string code = f.obtain_code(client_id, pkce);
    f.clock += 60;
    check_oauth_error(f.exchange_code(client_id, code, pkce.verifier), 400, "invalid_grant");
  }
  SECTION("redirect_uri must be sent and equal") {
    const std::string code = f.obtain_code(client_id, pkce);
    check_oauth_error(
        f.post("/token", "grant_type=authorization_code&code=" + code +
                             "&code_verifier=" + pkce.verifier + "&client_id=" + client_id),
        400, "invalid_request");
    const std::string code2 = f.obtain_code(client_id, pkce);
    check_oauth_error(
        f.post("/token", "grant_type=authorization_code&code=" + code2 +
                             "&code_verifier=" + pkce.verifier + "&client_id=" + client_id +
                             "&redirect_uri=" + form_encode("http://127.0.0.1/other")),
        400, "invalid_grant");
  }
  SECTION("a wrong resource") {
    const std::string code = f.obtain_code(client_id, pkce);
    auto r = f.post("/token", "grant_type=authorization_code&code=" + code +
                                  "&code_verifier=" + pkce.verifier + "&client_id=" + client_id +
                                  "&redirect_uri=" + form_encode(k_redirect) +
                                  "&resource=" + form_encode("https://other.example/mcp"));
    check_oauth_error(r, 400, "invalid_target");
  }
  SECTION("another client's code") {
    auto [other_id, other_secret] = f.register_client();
    const std::string code = f.obtain_code(client_id, pkce);
    check_oauth_error(f.exchange_code(other_id, code, pkce.verifier), 400, "invalid_grant");
  }
  SECTION("unknown client, unsupported grant, malformed and oversized bodies") {
    check_oauth_error(f.exchange_code("11111111-2222-4333-8444-555555555555", "x", pkce.verifier),
                      401, "invalid_client");
    check_oauth_error(f.post("/token", "grant_type=password&client_id=" + client_id), 400,
                      "unsupported_grant_type");
    check_oauth_error(f.post("/token", "client_id=" + client_id), 400, "invalid_request");
    check_oauth_error(f.post("/token", "grant_type=authorization_code&code=%zz"), 400,
                      "invalid_request");
    check_oauth_error(f.post("/token", "grant_type=authorization_code&grant_type=refresh_token"),
                      400, "invalid_request");
    check_oauth_error(
        f.post("/token", R"({"grant_type":"authorization_code"})", "application/json"), 400,
        "invalid_request");
    check_oauth_error(
        f.post("/token", "grant_type=authorization_code&code=" + std::string(70 * 1024, 'a')), 400,
        "invalid_request");
  }
}

TEST_CASE("authorization server: confidential clients authenticate", "[oauth]") {
  fixture f;
  auto [client_id, secret] = f.register_client("client_secret_post");
  REQUIRE(secret.size() == 43);
  pkce_pair pkce;
  const std::string code = f.obtain_code(client_id, pkce);
  check_oauth_error(f.exchange_code(client_id, code, pkce.verifier), 401, "invalid_client");
  check_oauth_error(f.exchange_code(client_id, code, pkce.verifier, "&client_secret=wrong"), 401,
                    "invalid_client");
  // A failed client authentication does not spend the code.
  auto ok = f.exchange_code(client_id, code, pkce.verifier, "&client_secret=" + secret);
  CHECK(ok.status == 200);

  // client_secret_basic
  const std::string code2 = f.obtain_code(client_id, pkce);
  auto basic =
      f.post("/token",
             "grant_type=authorization_code&code=" + code2 + "&code_verifier=" + pkce.verifier +
                 "&redirect_uri=" + form_encode(k_redirect),
             k_form, "", "192.0.2.1", "Basic " + base64::encode(client_id + ":" + secret));
  CHECK(basic.status == 200);
  auto bad_basic = f.post("/token", "grant_type=refresh_token&refresh_token=x", k_form, "",
                          "192.0.2.1", "Basic " + base64::encode(client_id + ":nope"));
  check_oauth_error(bad_basic, 401, "invalid_client");
  CHECK(bad_basic.header("WWW-Authenticate").has_value());
}

TEST_CASE("authorization server: refresh tokens rotate; reuse revokes the family", "[oauth]") {
  fixture f;
  auto [client_id, secret] = f.register_client();
  auto t1 = f.obtain_tokens(client_id);
  auto other = f.obtain_tokens(client_id);  // another grant of the same client

  auto r2 = f.refresh(client_id, t1.refresh);
  REQUIRE(r2.status == 200);
  const tokens t2{json_string(r2.body, "access_token"), json_string(r2.body, "refresh_token")};
  CHECK_FALSE(f.server->verify_access_token(t1.access));  // the paired access token is gone
  CHECK(f.server->verify_access_token(t2.access));

  // t1.refresh again: stolen. Everything of that family is revoked.
  check_oauth_error(f.refresh(client_id, t1.refresh), 400, "invalid_grant");
  CHECK_FALSE(f.server->verify_access_token(t2.access));
  check_oauth_error(f.refresh(client_id, t2.refresh), 400, "invalid_grant");
  // The other grant is untouched.
  CHECK(f.server->verify_access_token(other.access));
  CHECK(f.refresh(client_id, other.refresh).status == 200);
}

TEST_CASE("authorization server: refresh refusals", "[oauth]") {
  fixture f;
  auto [client_id, secret] = f.register_client();
  auto t = f.obtain_tokens(client_id);
  check_oauth_error(f.refresh(client_id, t.refresh, "&scope=mcp+admin"), 400, "invalid_scope");
  check_oauth_error(
      f.refresh(client_id, t.refresh, "&resource=" + form_encode("https://x.example/mcp")), 400,
      "invalid_target");
  auto [other_id, other_secret] = f.register_client();
  check_oauth_error(f.refresh(other_id, t.refresh), 400, "invalid_grant");
  check_oauth_error(f.refresh(client_id, "not-a-token"), 400, "invalid_grant");
  check_oauth_error(f.refresh(client_id, ""), 400, "invalid_request");
  // None of that burned it.
  auto ok = f.refresh(client_id, t.refresh, "&scope=mcp");
  REQUIRE(ok.status == 200);
  CHECK(json_string(ok.body, "scope") == "mcp");
  // Refresh tokens expire after 30 days.
  f.clock += 30LL * 24 * 3600;
  check_oauth_error(f.refresh(client_id, json_string(ok.body, "refresh_token")), 400,
                    "invalid_grant");
}

TEST_CASE("authorization server: revocation", "[oauth]") {
  fixture f;
  auto [client_id, secret] = f.register_client();
  auto t = f.obtain_tokens(client_id);
  auto unknown = f.post("/revoke", "token=never-issued");
  CHECK(unknown.status == 200);
  CHECK(unknown.body == "{}");
  CHECK(f.post("/revoke",
               "token=" + t.access + "&token_type_hint=access_token&client_id=" + client_id)
            .status == 200);
  CHECK_FALSE(f.server->verify_access_token(t.access));
  CHECK(f.refresh(client_id, t.refresh).status ==
        200);  // revoking the access token left the refresh token

  auto t2 = f.obtain_tokens(client_id);
  CHECK(f.post("/revoke", "token=" + t2.refresh).status == 200);
  CHECK_FALSE(f.server->verify_access_token(t2.access));
  check_oauth_error(f.refresh(client_id, t2.refresh), 400, "invalid_grant");

  check_oauth_error(f.post("/revoke", ""), 400, "invalid_request");
  check_oauth_error(f.post("/revoke", "token=x&client_id=nobody"), 401, "invalid_client");
}
