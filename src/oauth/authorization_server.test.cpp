#include "src/oauth/authorization_server.hpp"

#include <catch2/catch.hpp>

#include <simdjson.h>

#include "src/util/base64.hpp"
#include "src/oauth/crypto.hpp"
#include "src/oauth/form_encoding.hpp"
#include "src/oauth/secret_hash.hpp"
#include "tests/support/temp_dir.hpp"
#include "src/util/log.hpp"

using namespace parley::oauth;
namespace base64 = parley::base64;
using parley::sha256_raw;

namespace {

constexpr const char* k_public = "https://parley.example.com";
constexpr const char* k_resource = "https://parley.example.com/mcp";
constexpr const char* k_redirect = "https://claude.ai/api/mcp/auth_callback";
constexpr const char* k_form = "application/x-www-form-urlencoded";

parley::gateway_profile profile(const std::string& name, const std::string& handle) {
  parley::gateway_profile p;
  p.name = name;
  p.handle = handle;
  p.topics = {"ctx"};
  return p;
}

std::vector<parley::owner_config> two_owners() {
  // Hashed once: scrypt is deliberately slow.
  static const std::string alice_hash = hash_secret("alice-secret");
  static const std::string bob_hash = hash_secret("bob-secret");
  parley::owner_config alice;
  alice.name = "alice";
  alice.secret_hash = alice_hash;
  alice.profiles = {profile("default", "alice"), profile("code", "alice-code")};
  parley::owner_config bob;
  bob.name = "bob";
  bob.secret_hash = bob_hash;
  bob.profiles = {profile("default", "bob")};
  return {alice, bob};
}

std::string json_string(const std::string& body, const char* key) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body).get(root) != simdjson::SUCCESS) return "<not json>";
  std::string_view s;
  if (root[key].get_string().get(s) != simdjson::SUCCESS) return "<absent>";
  return std::string(s);
}

std::int64_t json_int(const std::string& body, const char* key) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body).get(root) != simdjson::SUCCESS) return -1;
  std::int64_t n = -1;
  if (root[key].get_int64().get(n) != simdjson::SUCCESS) return -1;
  return n;
}

/// The value="…" of the input called `name` in a page.
std::string field(const std::string& html, const std::string& name) {
  const auto at = html.find("name=\"" + name + "\"");
  if (at == std::string::npos) return "<absent>";
  const auto value = html.find("value=\"", at);
  if (value == std::string::npos || value > html.find('>', at)) return "<absent>";
  const auto start = value + 7;
  return html.substr(start, html.find('"', start) - start);
}

/// The query parameters of a Location header.
form_params location_params(const oauth_reply& r) {
  const std::string loc = r.header("Location").value_or("");
  const auto q = loc.find('?');
  return parse_form(q == std::string::npos ? "" : loc.substr(q + 1)).value_or(form_params());
}

struct pkce_pair {
  std::string verifier = random_token();
  std::string challenge = base64::encode_url(sha256_raw(verifier));
};

/// A consent page, with what the browser holds afterwards.
struct consent_form {
  std::string request;
  std::string csrf;
  std::string cookie;  // `name=value`
};

struct tokens {
  std::string access;
  std::string refresh;
};

struct fixture {
  parley::testing::temp_dir dir;
  std::int64_t clock = 1'700'000'000;
  std::vector<parley::owner_config> owners = two_owners();
  std::shared_ptr<grant_store> store;
  std::unique_ptr<authorization_server> server;

  fixture() {
    parley::log::set_threshold(parley::log::level::error);  // sign-in warnings are expected here
    restart();
  }

  /// A new server and store on the same database file: a process restart.
  void restart() {
    server.reset();
    store.reset();
    auto s = grant_store::open(dir.file("gateway-state.db"));
    REQUIRE(s);
    store = std::move(*s);
    authorization_server_options o;
    o.public_url = k_public;
    server = std::make_unique<authorization_server>(o, owners, store, [this] { return clock; });
  }

  oauth_reply call(oauth_request req) {
    auto r = server->handle(req);
    REQUIRE(r);
    return *r;
  }

  oauth_reply get(const std::string& path, const std::string& query = "") {
    oauth_request req;
    req.method = "GET";
    req.path = path;
    req.query = query;
    return call(req);
  }

  oauth_reply post(const std::string& path, const std::string& body,
                   const std::string& content_type = k_form, const std::string& cookie = "",
                   const std::string& peer = "192.0.2.1", const std::string& authorization = "") {
    oauth_request req;
    req.method = "POST";
    req.path = path;
    req.body = body;
    req.content_type = content_type;
    req.cookie = cookie;
    req.peer = peer;
    req.authorization = authorization;
    return call(req);
  }

  /// Registers a client; returns {client_id, client_secret or ""}.
  std::pair<std::string, std::string> register_client(
      const std::string& auth_method = "none",
      const std::string& redirects = std::string("[\"") + k_redirect + "\"]") {
    auto r = post(
        "/register",
        R"({"client_name":"Claude","redirect_uris":)" + redirects +
            R"(,"grant_types":["authorization_code","refresh_token"],"token_endpoint_auth_method":")" +
            auth_method + "\"}",
        "application/json");
    REQUIRE(r.status == 201);
    const std::string secret = json_string(r.body, "client_secret");
    return {json_string(r.body, "client_id"), secret == "<absent>" ? "" : secret};
  }

  std::string authorize_query(const std::string& client_id, const pkce_pair& pkce,
                              const std::string& state = "xyz",
                              const std::string& redirect = k_redirect,
                              const std::string& resource = k_resource) {
    std::string q = "response_type=code&client_id=" + form_encode(client_id) +
                    "&code_challenge=" + pkce.challenge + "&code_challenge_method=S256&scope=mcp";
    if (!redirect.empty()) q += "&redirect_uri=" + form_encode(redirect);
    if (!state.empty()) q += "&state=" + form_encode(state);
    if (!resource.empty()) q += "&resource=" + form_encode(resource);
    return q;
  }

  consent_form open_consent(const std::string& client_id, const pkce_pair& pkce,
                            const std::string& state = "xyz",
                            const std::string& redirect = k_redirect) {
    auto r = get("/authorize", authorize_query(client_id, pkce, state, redirect));
    REQUIRE(r.status == 200);
    const std::string set_cookie = r.header("Set-Cookie").value_or("");
    return {field(r.body, "request"), field(r.body, "csrf"),
            set_cookie.substr(0, set_cookie.find(';'))};
  }

  oauth_reply submit(const consent_form& f, const std::string& owner, const std::string& secret,
                     const std::string& profile_name = "default",
                     const std::string& peer = "192.0.2.1") {
    return post(std::string(k_consent_path),
                "request=" + form_encode(f.request) + "&csrf=" + form_encode(f.csrf) +
                    "&owner=" + form_encode(owner) + "&secret=" + form_encode(secret) +
                    "&profile=" + form_encode(profile_name) + "&decision=approve",
                k_form, f.cookie, peer);
  }

  std::string obtain_code(const std::string& client_id, const pkce_pair& pkce,
                          const std::string& owner = "alice",
                          const std::string& secret = "alice-secret",
                          const std::string& profile_name = "default") {
    auto r = submit(open_consent(client_id, pkce), owner, secret, profile_name);
    REQUIRE(r.status == 302);
    return location_params(r).value_or_empty("code");
  }

  oauth_reply exchange_code(const std::string& client_id, const std::string& code,
                            const std::string& verifier, const std::string& extra = "") {
    return post("/token", "grant_type=authorization_code&code=" + form_encode(code) +
                              "&code_verifier=" + form_encode(verifier) + "&redirect_uri=" +
                              form_encode(k_redirect) + "&client_id=" + form_encode(client_id) +
                              "&resource=" + form_encode(k_resource) + extra);
  }

  tokens obtain_tokens(const std::string& client_id, const std::string& owner = "alice",
                       const std::string& secret = "alice-secret",
                       const std::string& profile_name = "default") {
    pkce_pair pkce;
    auto r = exchange_code(client_id, obtain_code(client_id, pkce, owner, secret, profile_name),
                           pkce.verifier);
    REQUIRE(r.status == 200);
    return {json_string(r.body, "access_token"), json_string(r.body, "refresh_token")};
  }

  oauth_reply refresh(const std::string& client_id, const std::string& refresh_token,
                      const std::string& extra = "") {
    return post("/token", "grant_type=refresh_token&refresh_token=" + form_encode(refresh_token) +
                              "&client_id=" + form_encode(client_id) + extra);
  }
};

void check_oauth_error(const oauth_reply& r, int status, const std::string& error) {
  CAPTURE(r.body);
  CHECK(r.status == status);
  CHECK(json_string(r.body, "error") == error);
  CHECK(json_string(r.body, "error_description") != "<absent>");
}

void check_redirect_error(const oauth_reply& r, const std::string& error,
                          const std::string& state = "xyz") {
  CAPTURE(r.header("Location").value_or(""));
  REQUIRE(r.status == 302);
  CHECK(r.header("Location")->rfind(k_redirect, 0) == 0);
  auto q = location_params(r);
  CHECK(q.value_or_empty("error") == error);
  CHECK(q.get("state") == std::optional<std::string>(state));
  CHECK(q.value_or_empty("iss") == k_public);
  CHECK_FALSE(q.get("code"));
}

}  // namespace

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
