#pragma once

// The authorization server's test fixture: a server on a temporary state
// database with two owners and a settable clock, and the browser's and
// client's side of each step of the code flow. Shared by the test files of
// authorization_server, authorize_endpoint and token_endpoint.

#include <simdjson.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "src/oauth/authorization_server.hpp"
#include "src/oauth/crypto.hpp"
#include "src/oauth/form_encoding.hpp"
#include "src/oauth/secret_hash.hpp"
#include "src/util/base64.hpp"
#include "src/util/log.hpp"
#include "tests/support/temp_dir.hpp"

namespace parley::oauth::testing {

inline constexpr const char* k_public = "https://parley.example.com";
inline constexpr const char* k_resource = "https://parley.example.com/mcp";
inline constexpr const char* k_redirect = "https://claude.ai/api/mcp/auth_callback";
inline constexpr const char* k_form = "application/x-www-form-urlencoded";

inline parley::gateway_profile profile(const std::string& name, const std::string& handle) {
  parley::gateway_profile p;
  p.name = name;
  p.handle = handle;
  p.topics = {"ctx"};
  return p;
}

inline std::vector<parley::owner_config> two_owners() {
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

inline std::string json_string(const std::string& body, const char* key) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body).get(root) != simdjson::SUCCESS) return "<not json>";
  std::string_view s;
  if (root[key].get_string().get(s) != simdjson::SUCCESS) return "<absent>";
  return std::string(s);
}

inline std::int64_t json_int(const std::string& body, const char* key) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body).get(root) != simdjson::SUCCESS) return -1;
  std::int64_t n = -1;
  if (root[key].get_int64().get(n) != simdjson::SUCCESS) return -1;
  return n;
}

/// The value="…" of the input called `name` in a page.
inline std::string field(const std::string& html, const std::string& name) {
  const auto at = html.find("name=\"" + name + "\"");
  if (at == std::string::npos) return "<absent>";
  const auto value = html.find("value=\"", at);
  if (value == std::string::npos || value > html.find('>', at)) return "<absent>";
  const auto start = value + 7;
  return html.substr(start, html.find('"', start) - start);
}

/// The query parameters of a Location header.
inline form_params location_params(const oauth_reply& r) {
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

inline void check_oauth_error(const oauth_reply& r, int status, const std::string& error) {
  CAPTURE(r.body);
  CHECK(r.status == status);
  CHECK(json_string(r.body, "error") == error);
  CHECK(json_string(r.body, "error_description") != "<absent>");
}

inline void check_redirect_error(const oauth_reply& r, const std::string& error,
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

}  // namespace parley::oauth::testing
