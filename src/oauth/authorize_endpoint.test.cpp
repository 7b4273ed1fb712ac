#include "src/oauth/authorization_server.hpp"

#include "src/oauth/testing/oauth_fixture.hpp"

using namespace parley::oauth;
using namespace parley::oauth::testing;
namespace base64 = parley::base64;
using parley::sha256_raw;

TEST_CASE("authorization server: /authorize renders the consent page", "[oauth]") {
  fixture f;
  auto [client_id, secret] = f.register_client();
  pkce_pair pkce;
  auto r = f.get("/authorize", f.authorize_query(client_id, pkce));
  REQUIRE(r.status == 200);
  CHECK(r.header("Content-Type") == std::optional<std::string>("text/html; charset=utf-8"));
  CHECK(r.header("Cache-Control") == std::optional<std::string>("no-store"));
  CHECK(r.header("X-Frame-Options") == std::optional<std::string>("DENY"));
  CHECK(r.body.find("<strong>https://claude.ai</strong>") != std::string::npos);
  CHECK(r.body.find("Client-supplied name: Claude") != std::string::npos);
  CHECK(r.body.find("<script") == std::string::npos);
  CHECK(field(r.body, "request").size() == 43);
  CHECK(field(r.body, "csrf").size() == 43);
  const std::string cookie = r.header("Set-Cookie").value_or("");
  CHECK(cookie.find("=" + field(r.body, "csrf") + ";") != std::string::npos);
  CHECK(cookie.find("HttpOnly") != std::string::npos);
  CHECK(cookie.find("SameSite=Strict") != std::string::npos);
  CHECK(cookie.find("Secure") != std::string::npos);

  // The only registered redirect URI may be left out; POST works too.
  auto omitted = f.get("/authorize", f.authorize_query(client_id, pkce, "xyz", ""));
  CHECK(omitted.status == 200);
  oauth_request post;
  post.method = "POST";
  post.path = "/authorize";
  post.content_type = k_form;
  post.body = f.authorize_query(client_id, pkce);
  CHECK(f.call(post).status == 200);
}

TEST_CASE(
    "authorization server: /authorize errors before the redirect URI is trusted are not redirected",
    "[oauth]") {
  fixture f;
  auto [client_id, secret] =
      f.register_client("none", std::string("[\"") + k_redirect + "\",\"http://127.0.0.1:9/cb\"]");
  pkce_pair pkce;
  auto unknown =
      f.get("/authorize", f.authorize_query("11111111-2222-4333-8444-555555555555", pkce));
  CHECK(unknown.status == 400);
  CHECK_FALSE(unknown.header("Location"));
  CHECK(unknown.body.find("invalid_client") != std::string::npos);

  auto missing_client = f.get("/authorize", "response_type=code");
  CHECK(missing_client.status == 400);
  CHECK_FALSE(missing_client.header("Location"));

  auto unregistered =
      f.get("/authorize", f.authorize_query(client_id, pkce, "xyz", "https://evil.example/cb"));
  CHECK(unregistered.status == 400);
  CHECK_FALSE(unregistered.header("Location"));

  // Two registered: it may not be left out.
  auto ambiguous = f.get("/authorize", f.authorize_query(client_id, pkce, "xyz", ""));
  CHECK(ambiguous.status == 400);
  CHECK_FALSE(ambiguous.header("Location"));

  auto malformed = f.get("/authorize", "client_id=%zz");
  CHECK(malformed.status == 400);
  CHECK_FALSE(malformed.header("Location"));
}

TEST_CASE("authorization server: /authorize errors redirect with state", "[oauth]") {
  fixture f;
  auto [client_id, secret] = f.register_client();
  pkce_pair pkce;
  const std::string base =
      "client_id=" + client_id + "&redirect_uri=" + form_encode(k_redirect) + "&state=xyz";
  const std::string resource = "&resource=" + form_encode(k_resource);
  const std::string challenge = "&code_challenge=" + pkce.challenge + "&code_challenge_method=S256";

  check_redirect_error(
      f.get("/authorize", f.authorize_query(client_id, pkce, "xyz", k_redirect, "")),
      "invalid_target");
  check_redirect_error(f.get("/authorize", f.authorize_query(client_id, pkce, "xyz", k_redirect,
                                                             "https://other.example/mcp")),
                       "invalid_target");
  check_redirect_error(f.get("/authorize", base + "&response_type=code" + resource),
                       "invalid_request");
  check_redirect_error(
      f.get("/authorize", base + "&response_type=code" + resource +
                              "&code_challenge=" + pkce.challenge + "&code_challenge_method=plain"),
      "invalid_request");
  check_redirect_error(f.get("/authorize", base + "&response_type=token" + resource + challenge),
                       "unsupported_response_type");
  check_redirect_error(
      f.get("/authorize", base + "&response_type=code" + resource + challenge + "&scope=admin"),
      "invalid_scope");
  check_redirect_error(f.get("/authorize", base + "&response_type=code" + resource + challenge +
                                               "&scope=mcp&scope=mcp"),
                       "invalid_request");
  // An empty state is echoed too.
  check_redirect_error(
      f.get("/authorize", f.authorize_query(client_id, pkce, "", k_redirect, "") + "&state="),
      "invalid_target", "");
}

TEST_CASE("authorization server: redirect URIs with a query get the code appended with &",
          "[oauth]") {
  fixture f;
  const std::string redirect = "http://127.0.0.1:8123/cb?session=1";
  auto [client_id, secret] = f.register_client("none", "[\"" + redirect + "\"]");
  pkce_pair pkce;
  auto r = f.submit(f.open_consent(client_id, pkce, "s", redirect), "alice", "alice-secret");
  REQUIRE(r.status == 302);
  CHECK(r.header("Location")->rfind(redirect + "&code=", 0) == 0);
}

TEST_CASE("authorization server: sign-in failures keep the consent request", "[oauth]") {
  fixture f;
  auto [client_id, secret] = f.register_client();
  pkce_pair pkce;
  auto form = f.open_consent(client_id, pkce);

  auto wrong = f.submit(form, "alice", "alice-secreT");
  CHECK(wrong.status == 403);
  CHECK(wrong.body.find("Unknown owner or wrong secret.") != std::string::npos);
  CHECK(field(wrong.body, "request") == form.request);
  CHECK(field(wrong.body, "owner") == "alice");
  CHECK(wrong.body.find("alice-secreT") == std::string::npos);

  auto nobody = f.submit(form, "mallory", "alice-secret");
  CHECK(nobody.status == 403);
  CHECK(nobody.body.find("Unknown owner or wrong secret.") != std::string::npos);

  auto empty = f.submit(form, "alice", "");
  CHECK(empty.status == 403);

  auto no_profile = f.submit(form, "alice", "alice-secret", "web");
  CHECK(no_profile.status == 403);
  CHECK(no_profile.body.find("has no profile") != std::string::npos);
  CHECK(no_profile.body.find("default, code") != std::string::npos);

  // Bob's secret does not open Alice's account.
  CHECK(f.submit(form, "alice", "bob-secret").status == 403);

  auto ok = f.submit(form, "alice", "alice-secret");
  REQUIRE(ok.status == 302);
  CHECK(location_params(ok).value_or_empty("code").size() == 43);
  // The request is spent once approved.
  CHECK(f.submit(form, "alice", "alice-secret").status == 400);
}

TEST_CASE("authorization server: CSRF protection on the consent form", "[oauth]") {
  fixture f;
  auto [client_id, secret] = f.register_client();
  pkce_pair pkce;
  auto form = f.open_consent(client_id, pkce);
  auto other = f.open_consent(client_id, pkce);

  consent_form no_cookie = form;
  no_cookie.cookie.clear();
  CHECK(f.submit(no_cookie, "alice", "alice-secret").status == 403);

  consent_form wrong_field = form;
  wrong_field.csrf = other.csrf;
  CHECK(f.submit(wrong_field, "alice", "alice-secret").status == 403);

  // Both field and cookie from another page: bound to the other request.
  consent_form swapped = form;
  swapped.csrf = other.csrf;
  swapped.cookie = form.cookie.substr(0, form.cookie.find('=') + 1) + other.csrf;
  CHECK(f.submit(swapped, "alice", "alice-secret").status == 403);

  // The genuine form still works, in either tab.
  CHECK(f.submit(form, "alice", "alice-secret").status == 302);
  CHECK(f.submit(other, "bob", "bob-secret").status == 302);
}

TEST_CASE("authorization server: consent expiry, deny, malformed forms", "[oauth]") {
  fixture f;
  auto [client_id, secret] = f.register_client();
  pkce_pair pkce;

  auto expired = f.open_consent(client_id, pkce);
  f.clock += 300;
  auto late = f.submit(expired, "alice", "alice-secret");
  CHECK(late.status == 400);
  CHECK(late.body.find("expired or is unknown") != std::string::npos);

  auto form = f.open_consent(client_id, pkce, "deny-state");
  auto denied = f.post(std::string(k_consent_path),
                       "request=" + form.request + "&csrf=" + form.csrf + "&decision=deny", k_form,
                       form.cookie);
  REQUIRE(denied.status == 302);
  auto q = location_params(denied);
  CHECK(q.value_or_empty("error") == "access_denied");
  CHECK(q.value_or_empty("state") == "deny-state");
  CHECK(f.submit(form, "alice", "alice-secret").status == 400);

  CHECK(f.post(std::string(k_consent_path), "request=%zz").status == 400);
  CHECK(f.post(std::string(k_consent_path), "request=x", "text/plain").status == 400);
  CHECK(f.post(std::string(k_consent_path), std::string(70 * 1024, 'a')).status == 400);
  CHECK(f.get(std::string(k_consent_path)).status == 405);
}

TEST_CASE("authorization server: ten failed sign-ins per owner or address are throttled",
          "[oauth]") {
  fixture f;
  auto [client_id, secret] = f.register_client();
  pkce_pair pkce;
  auto form = f.open_consent(client_id, pkce);
  for (int i = 0; i < 10; ++i)
    CHECK(f.submit(form, "alice", "guess" + std::to_string(i), "default",
                   "198.51.100." + std::to_string(i))
              .status == 403);
  // Owner alice is locked, from any address and even with the right secret.
  auto locked = f.submit(form, "alice", "alice-secret", "default", "203.0.113.9");
  CHECK(locked.status == 429);
  CHECK(locked.header("Retry-After") == std::optional<std::string>("900"));
  CHECK(locked.body.find("Too many failed sign-ins") != std::string::npos);
  // Bob is not.
  CHECK(f.submit(form, "bob", "bob-secret", "default", "203.0.113.9").status == 302);

  // Per address: ten failures from one address across owners lock it.
  auto form2 = f.open_consent(client_id, pkce);
  for (int i = 0; i < 10; ++i)
    (void)f.submit(form2, "owner" + std::to_string(i), "x", "default", "192.0.2.66");
  CHECK(f.submit(form2, "bob", "bob-secret", "default", "192.0.2.66").status == 429);

  // The window passes.
  f.clock += 15 * 60;
  auto form3 = f.open_consent(client_id, pkce);
  CHECK(f.submit(form3, "alice", "alice-secret", "default", "192.0.2.66").status == 302);
}
