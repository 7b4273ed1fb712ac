#include "src/oidc/token_verifier.hpp"

#include <openssl/evp.h>

#include <catch2/catch.hpp>

#include "src/oidc/jwks_cache.hpp"
#include "src/oidc/testing/fake_idp.hpp"
#include "src/oidc/testing/jwt_signer.hpp"
#include "src/util/base64.hpp"

using namespace parley::oidc;
namespace base64 = parley::base64;
using namespace std::chrono_literals;
using parley::oidc::testing::fake_idp;
using parley::oidc::testing::test_claims;
using parley::oidc::testing::test_key;

namespace {

const std::string issuer = "https://idp.test/realms/parley";
const std::string jwks_url = issuer + "/protocol/openid-connect/certs";
const std::string audience = "https://parley.test/mcp";
constexpr std::int64_t t0 = 1'700'000'000;

const test_key& rsa() {
  static const test_key k = test_key::rsa("rsa-1");
  return k;
}
const test_key& ec() {
  static const test_key k = test_key::ec_p256("ec-1");
  return k;
}

/// An IdP publishing rsa() and ec(), a JWKS cache with a hand-moved clock,
/// and a verifier gated on the username "alice".
struct fixture {
  fake_idp idp;
  std::chrono::steady_clock::time_point mono{std::chrono::hours(1000)};
  std::int64_t now = t0;
  std::shared_ptr<jwks_cache> cache;
  verifier_settings settings;

  fixture() {
    idp.serve(jwks_url, testing::jwks_json({rsa(), ec()}));
    cache = std::make_shared<jwks_cache>(jwks_url, idp.fetcher(), jwks_cache_options{},
                                         [this] { return mono; });
    settings.issuer = issuer;
    settings.audience = audience;
    settings.allowed_usernames = {"alice"};
    settings.clock_skew_s = 30;
  }

  token_verifier verifier() const {
    return token_verifier(settings, cache, [this] { return now; });
  }

  static test_claims claims() {
    test_claims c;
    c.iss = issuer;
    c.aud = {audience};
    c.sub = "f81d4fae-7dec-11d0";
    c.preferred_username = "alice";
    c.realm_roles = {"parley-user", "offline_access"};
    c.scope = "openid profile parley";
    c.iat = t0;
    c.exp = t0 + 300;
    return c;
  }

  verify_result verify(const std::string& token) const { return verifier().verify(token); }
};

rejection kind(const verify_result& r) {
  REQUIRE_FALSE(r);
  return r.error().kind;
}

}  // namespace

TEST_CASE("oidc verifier: good RS256, PS256 and ES256 tokens verify", "[oidc]") {
  fixture f;
  const auto c = fixture::claims().to_json();
  for (const auto& token :
       {testing::sign_jwt(rsa(), "RS256", c), testing::sign_jwt(rsa(), "PS256", c),
        testing::sign_jwt(ec(), "ES256", c)}) {
    auto r = f.verify(token);
    REQUIRE(r);
    CHECK(r->subject == "f81d4fae-7dec-11d0");
    CHECK(r->username == "alice");
    CHECK(r->roles == std::vector<std::string>{"parley-user", "offline_access"});
    CHECK(r->scopes == std::vector<std::string>{"openid", "profile", "parley"});
    CHECK(r->expires_at == static_cast<double>(t0 + 300));
  }
  CHECK(f.cache->fetch_count() == 1);
}

TEST_CASE("oidc verifier: the three documented answers", "[oidc]") {
  CHECK(http_status(rejection::invalid_token) == 401);
  CHECK(http_status(rejection::insufficient_scope) == 403);
  CHECK(http_status(rejection::access_policy) == 401);
  CHECK(oauth_error(rejection::invalid_token) == "invalid_token");
  CHECK(oauth_error(rejection::insufficient_scope) == "insufficient_scope");
  CHECK(oauth_error(rejection::access_policy) == "invalid_token");
  CHECK(description(rejection::invalid_token) == "invalid or expired access token");
  CHECK(description(rejection::insufficient_scope) == "token is missing the required scope");
  CHECK(description(rejection::access_policy) ==
        "token does not satisfy this server access policy");
}

TEST_CASE("oidc verifier: exp and nbf with clock skew", "[oidc]") {
  fixture f;
  auto token_with = [](std::optional<std::int64_t> exp, std::optional<std::int64_t> nbf) {
    auto c = fixture::claims();
    c.exp = exp;
    c.nbf = nbf;
    return testing::sign_jwt(rsa(), "RS256", c.to_json());
  };
  SECTION("expired beyond the skew") {
    auto r = f.verify(token_with(t0 - 30, std::nullopt));
    CHECK(kind(r) == rejection::invalid_token);
    CHECK(r.error().detail == "token expired");
  }
  SECTION("expired within the skew") {
    CHECK(f.verify(token_with(t0 - 29, std::nullopt)));
  }
  SECTION("nbf in the future beyond the skew") {
    auto r = f.verify(token_with(t0 + 300, t0 + 31));
    CHECK(kind(r) == rejection::invalid_token);
    CHECK(r.error().detail == "token not yet valid (nbf)");
  }
  SECTION("nbf in the future within the skew") {
    CHECK(f.verify(token_with(t0 + 300, t0 + 30)));
  }
  SECTION("zero skew is exact") {
    f.settings.clock_skew_s = 0;
    CHECK_FALSE(f.verify(token_with(t0, std::nullopt)));
    CHECK(f.verify(token_with(t0 + 1, t0)));
    CHECK_FALSE(f.verify(token_with(t0 + 300, t0 + 1)));
  }
  SECTION("a token that never expires is refused") {
    auto r = f.verify(token_with(std::nullopt, std::nullopt));
    CHECK(kind(r) == rejection::invalid_token);
    CHECK(r.error().detail == "token has no exp");
  }
  SECTION("time moves on") {
    const auto token = token_with(t0 + 60, std::nullopt);
    CHECK(f.verify(token));
    f.now = t0 + 90;
    CHECK_FALSE(f.verify(token));
  }
}

TEST_CASE("oidc verifier: audience and issuer", "[oidc]") {
  fixture f;
  auto c = fixture::claims();
  SECTION("wrong audience") {
    c.aud = {"https://other.test/mcp"};
    CHECK(kind(f.verify(testing::sign_jwt(rsa(), "RS256", c.to_json()))) ==
          rejection::invalid_token);
  }
  SECTION("audience array containing ours") {
    c.aud = {"account", audience};
    CHECK(f.verify(testing::sign_jwt(rsa(), "RS256", c.to_json())));
  }
  SECTION("audience array without ours") {
    c.aud = {"account", audience + "/"};
    CHECK_FALSE(f.verify(testing::sign_jwt(rsa(), "RS256", c.to_json())));
  }
  SECTION("no audience") {
    c.aud.clear();
    CHECK_FALSE(f.verify(testing::sign_jwt(rsa(), "RS256", c.to_json())));
  }
  SECTION("wrong issuer") {
    c.iss = "https://evil.test/realms/parley";
    auto r = f.verify(testing::sign_jwt(rsa(), "RS256", c.to_json()));
    CHECK(kind(r) == rejection::invalid_token);
    CHECK(r.error().detail.find("is not the issuer") != std::string::npos);
  }
  SECTION("issuer must match exactly, trailing slash included") {
    c.iss = issuer + "/";
    CHECK_FALSE(f.verify(testing::sign_jwt(rsa(), "RS256", c.to_json())));
  }
  SECTION("no issuer") {
    c.iss.clear();
    CHECK_FALSE(f.verify(testing::sign_jwt(rsa(), "RS256", c.to_json())));
  }
}

TEST_CASE("oidc verifier: unknown kid refetches, and key rotation works", "[oidc]") {
  fixture f;
  const auto c = fixture::claims().to_json();
  REQUIRE(f.verify(testing::sign_jwt(rsa(), "RS256", c)));
  const auto rotated = test_key::ec_p256("ec-2");
  f.idp.serve(jwks_url, testing::jwks_json({ec(), rotated}));
  f.mono += 31s;
  auto r = f.verify(testing::sign_jwt(rotated, "ES256", c));
  CHECK(r);
  CHECK(f.cache->fetch_count() == 2);
  // A kid that is not there even after the refetch.
  f.mono += 31s;
  const auto stranger = test_key::ec_p256("ec-3");
  auto miss = f.verify(testing::sign_jwt(stranger, "ES256", c));
  CHECK(kind(miss) == rejection::invalid_token);
  CHECK(miss.error().detail.find("no ES256 key with kid \"ec-3\"") != std::string::npos);
  CHECK(f.cache->fetch_count() == 3);
  // And a forged token with a known kid but another key.
  auto forged = f.verify(testing::sign_jwt(stranger.with_kid("ec-2"), "ES256", c));
  CHECK(kind(forged) == rejection::invalid_token);
  CHECK(forged.error().detail.rfind("bad signature", 0) == 0);
  CHECK(f.cache->fetch_count() == 3);
}

TEST_CASE("oidc verifier: alg none, HS256 and other algorithms are refused", "[oidc]") {
  fixture f;
  const auto c = fixture::claims().to_json();
  const std::string payload = base64::encode_url(c);
  SECTION("none, unsigned") {
    const auto token = base64::encode_url(R"({"alg":"none"})") + "." + payload + ".";
    CHECK(kind(f.verify(token)) == rejection::invalid_token);
  }
  SECTION("none, with a junk signature") {
    const auto token = base64::encode_url(R"({"alg":"none"})") + "." + payload + ".AAAA";
    auto r = f.verify(token);
    CHECK(kind(r) == rejection::invalid_token);
    CHECK(r.error().detail == "unsupported alg \"none\"");
  }
  SECTION("HS256 keyed with the public JWK (algorithm confusion)") {
    const std::string header = base64::encode_url(R"({"alg":"HS256","kid":"rsa-1"})");
    const std::string input = header + "." + payload;
    const std::string secret = rsa().public_jwk();
    unsigned char mac[32];
    std::size_t mac_len = 0;
    REQUIRE(EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, secret.data(), secret.size(),
                      reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac,
                      sizeof mac, &mac_len) != nullptr);
    const auto token =
        input + "." + base64::encode_url(std::string(reinterpret_cast<const char*>(mac), mac_len));
    auto r = f.verify(token);
    CHECK(kind(r) == rejection::invalid_token);
    CHECK(r.error().detail == "unsupported alg \"HS256\"");
  }
  SECTION("ES256 header over an RSA key's kid") {
    const auto token =
        testing::sign_jwt_with_header(rsa(), "RS256", R"({"alg":"ES256","kid":"rsa-1"})", c);
    CHECK(kind(f.verify(token)) == rejection::invalid_token);
  }
  SECTION("RS256 header over a PS256 signature") {
    const auto token =
        testing::sign_jwt_with_header(rsa(), "PS256", R"({"alg":"RS256","kid":"rsa-1"})", c);
    CHECK(kind(f.verify(token)) == rejection::invalid_token);
  }
  CHECK(f.cache->fetch_count() <= 1);
}

TEST_CASE("oidc verifier: a tampered token is refused", "[oidc]") {
  fixture f;
  const auto token = testing::sign_jwt(rsa(), "RS256", fixture::claims().to_json());
  REQUIRE(f.verify(token));
  auto c = fixture::claims();
  c.preferred_username = "mallory";
  const auto d1 = token.find('.');
  const auto d2 = token.rfind('.');
  const auto swapped = token.substr(0, d1 + 1) + base64::encode_url(c.to_json()) + token.substr(d2);
  auto r = f.verify(swapped);
  CHECK(kind(r) == rejection::invalid_token);
  CHECK(r.error().detail.rfind("bad signature", 0) == 0);
  std::string flipped = token;
  flipped[d1 + 5] = flipped[d1 + 5] == 'A' ? 'B' : 'A';
  CHECK_FALSE(f.verify(flipped));
  CHECK_FALSE(f.verify(token.substr(0, token.size() - 4)));
  CHECK_FALSE(f.verify("Bearer " + token));
  CHECK_FALSE(f.verify(""));
  CHECK_FALSE(f.verify("not-a-jwt"));
}

TEST_CASE("oidc verifier: a missing required scope is 403", "[oidc]") {
  fixture f;
  f.settings.required_scope = "parley:use";
  auto c = fixture::claims();
  auto r = f.verify(testing::sign_jwt(rsa(), "RS256", c.to_json()));
  CHECK(kind(r) == rejection::insufficient_scope);
  CHECK(http_status(r.error().kind) == 403);
  c.scope = "openid parley:use";
  CHECK(f.verify(testing::sign_jwt(rsa(), "RS256", c.to_json())));
  // From `scp` (an array) as well.
  c.scope.reset();
  const std::string with_scp = c.to_json().insert(1, R"("scp":["parley:use"],)");
  CHECK(f.verify(testing::sign_jwt(rsa(), "RS256", with_scp)));
  // A scope that merely contains the name is not it.
  c.scope = "parley:user parley:use-not";
  CHECK(kind(f.verify(testing::sign_jwt(rsa(), "RS256", c.to_json()))) ==
        rejection::insufficient_scope);
}

TEST_CASE("oidc verifier: identity gates, each and together; none means deny", "[oidc]") {
  fixture f;
  f.settings.allowed_usernames.clear();
  auto c = fixture::claims();
  auto verify = [&](const test_claims& claims) {
    return f.verify(testing::sign_jwt(ec(), "ES256", claims.to_json()));
  };
  SECTION("no gate configured: every valid token is refused") {
    auto r = verify(c);
    CHECK(kind(r) == rejection::access_policy);
    CHECK(r.error().detail == "no identity gate is configured");
  }
  SECTION("allowed_subjects") {
    f.settings.allowed_subjects = {"f81d4fae-7dec-11d0"};
    CHECK(verify(c));
    c.sub = "someone-else";
    CHECK(kind(verify(c)) == rejection::access_policy);
    c.sub.clear();
    CHECK(kind(verify(c)) == rejection::access_policy);
  }
  SECTION("allowed_usernames") {
    f.settings.allowed_usernames = {"bob", "alice"};
    CHECK(verify(c));
    c.preferred_username = "mallory";
    CHECK(kind(verify(c)) == rejection::access_policy);
    c.preferred_username.reset();
    CHECK(kind(verify(c)) == rejection::access_policy);
  }
  SECTION("required_role") {
    f.settings.required_role = "parley-user";
    CHECK(verify(c));
    c.realm_roles = {"offline_access"};
    CHECK(kind(verify(c)) == rejection::access_policy);
    c.realm_roles.clear();
    CHECK(kind(verify(c)) == rejection::access_policy);
  }
  SECTION("all configured gates must pass") {
    f.settings.allowed_subjects = {"f81d4fae-7dec-11d0"};
    f.settings.allowed_usernames = {"alice"};
    f.settings.required_role = "parley-user";
    CHECK(verify(c));
    auto no_role = c;
    no_role.realm_roles = {"other"};
    CHECK(kind(verify(no_role)) == rejection::access_policy);
    auto other_name = c;
    other_name.preferred_username = "bob";
    CHECK(kind(verify(other_name)) == rejection::access_policy);
    auto other_sub = c;
    other_sub.sub = "x";
    CHECK(kind(verify(other_sub)) == rejection::access_policy);
  }
  SECTION("the scope answer comes before the gate's") {
    f.settings.required_scope = "parley:use";
    f.settings.allowed_usernames = {"bob"};
    CHECK(kind(verify(c)) == rejection::insufficient_scope);
  }
}

TEST_CASE("oidc verifier: settings from auth.oidc", "[oidc]") {
  parley::oidc_config cfg;
  cfg.issuer = "https://idp.test/realms/parley/";
  cfg.required_scope = "parley";
  cfg.allowed_subjects = {"s"};
  cfg.allowed_usernames = {"u"};
  cfg.required_role = "r";
  cfg.clock_skew_s = 5;
  auto s = verifier_settings::from_config(cfg, "https://idp.test/realms/parley", "https://p.test/");
  CHECK(s.issuer == "https://idp.test/realms/parley");
  CHECK(s.audience == "https://p.test/mcp");
  CHECK(s.required_scope == "parley");
  CHECK(s.allowed_subjects == std::vector<std::string>{"s"});
  CHECK(s.allowed_usernames == std::vector<std::string>{"u"});
  CHECK(s.required_role == "r");
  CHECK(s.clock_skew_s == 5);
  cfg.audience = "parley-api";
  CHECK(verifier_settings::from_config(cfg, "x", "https://p.test").audience == "parley-api");
}

TEST_CASE("oidc verifier: empty settings refuse everything", "[oidc]") {
  fixture f;
  f.settings.audience.clear();
  auto c = fixture::claims();
  c.aud = {""};
  CHECK(kind(f.verify(testing::sign_jwt(rsa(), "RS256", c.to_json()))) == rejection::invalid_token);
}
