#include "src/oidc/jwt.hpp"

#include <catch2/catch.hpp>

#include "src/util/base64.hpp"

using namespace parley::oidc;
namespace base64 = parley::base64;

namespace {

std::string b64(std::string_view s) {
  return base64::encode_url(s);
}

}  // namespace

TEST_CASE("oidc jwt: a compact JWS splits into decoded parts", "[oidc]") {
  const std::string token =
      b64(R"({"alg":"RS256"})") + "." + b64(R"({"sub":"a"})") + "." + b64("sig");
  auto jws = split_compact_jws(token);
  REQUIRE(jws);
  CHECK(jws->header_json == R"({"alg":"RS256"})");
  CHECK(jws->payload_json == R"({"sub":"a"})");
  CHECK(jws->signature == "sig");
  CHECK(jws->signing_input == token.substr(0, token.rfind('.')));
}

TEST_CASE("oidc jwt: malformed compact tokens say what is wrong", "[oidc]") {
  const std::string h = b64(R"({"alg":"RS256"})");
  const std::string p = b64(R"({"sub":"a"})");
  const std::string s = b64("sig");
  auto reason = [](std::string_view t) {
    auto r = split_compact_jws(t);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == parley::errc::invalid_argument);
    return r.error().message;
  };
  CHECK(reason("") == "token is empty");
  CHECK(reason(h + "." + p) == "token is not three dot-separated parts");
  CHECK(reason(h + "." + p + "." + s + ".x") == "token is not three dot-separated parts");
  CHECK(reason(h + "." + p + "." + s + ".x.y").find("JWE") != std::string::npos);
  CHECK(reason(h + "." + p + ".") == "token is unsigned (empty signature)");
  CHECK(reason("." + p + "." + s) == "token header is empty");
  CHECK(reason(h + ".." + s) == "token payload is empty");
  CHECK(reason(h + "=." + p + "." + s).rfind("token header:", 0) == 0);
  CHECK(reason(h + "." + p + "+." + s).rfind("token payload:", 0) == 0);
  CHECK(reason(h + "." + p + "." + s + "=").rfind("token signature:", 0) == 0);
  CHECK(reason(std::string(max_token_bytes + 1, 'a')).find("longer than") != std::string::npos);
}

TEST_CASE("oidc jwt: the header needs a string alg and no crit", "[oidc]") {
  auto h = parse_jose_header(R"({"alg":"ES256","kid":"k1","typ":"at+jwt","x5u":"https://evil"})");
  REQUIRE(h);
  CHECK(h->alg == "ES256");
  CHECK(h->kid == "k1");
  CHECK(h->typ == "at+jwt");
  auto bare = parse_jose_header(R"({"alg":"RS256"})");
  REQUIRE(bare);
  CHECK_FALSE(bare->kid);
  for (const char* bad : {R"({"kid":"k"})", R"({"alg":256})", R"({"alg":"RS256","kid":7})",
                          R"({"alg":"RS256","crit":["exp"]})", R"({"alg":"RS256","alg":"none"})",
                          R"(["RS256"])", "not json", R"({"alg":"RS256","typ":null})"}) {
    INFO(bad);
    CHECK_FALSE(parse_jose_header(bad));
  }
}

TEST_CASE("oidc jwt: claims of every documented shape parse", "[oidc]") {
  auto c = parse_jwt_claims(R"({
    "iss":"https://idp/realms/r","sub":"u-1","aud":["a","b"],"exp":1700000100,"nbf":1699999900.5,
    "iat":1700000000,"scope":"openid  parley:use profile","scp":["parley:use","extra"],
    "preferred_username":"alice","realm_access":{"roles":["parley-user","other"]},
    "unknown":{"deep":[1,2,3]}})");
  REQUIRE(c);
  CHECK(c->iss == "https://idp/realms/r");
  CHECK(c->sub == "u-1");
  CHECK(c->aud == std::vector<std::string>{"a", "b"});
  CHECK(c->exp == 1700000100.0);
  CHECK(c->nbf == 1699999900.5);
  CHECK(c->iat == 1700000000.0);
  CHECK(c->scopes == std::vector<std::string>{"openid", "parley:use", "profile", "extra"});
  CHECK(c->preferred_username == "alice");
  CHECK(c->realm_roles == std::vector<std::string>{"parley-user", "other"});

  auto single = parse_jwt_claims(R"({"aud":"only","scp":"a b"})");
  REQUIRE(single);
  CHECK(single->aud == std::vector<std::string>{"only"});
  CHECK(single->scopes == std::vector<std::string>{"a", "b"});
  CHECK_FALSE(single->exp);
  CHECK_FALSE(single->sub);

  auto empty = parse_jwt_claims("{}");
  REQUIRE(empty);
  CHECK(empty->aud.empty());
}

TEST_CASE("oidc jwt: claims of the wrong type make the token malformed", "[oidc]") {
  for (const char* bad : {
           R"({"aud":5})",
           R"({"aud":["a",5]})",
           R"({"exp":"1700000000"})",
           R"({"nbf":true})",
           R"({"iss":["x"]})",
           R"({"sub":1})",
           R"({"scope":["a"]})",
           R"({"scp":[1]})",
           R"({"realm_access":[]})",
           R"({"realm_access":{"roles":"admin"}})",
           R"({"preferred_username":null})",
           R"({"sub":"a","sub":"b"})",
           "[]",
           "{",
           "",
       }) {
    INFO(bad);
    CHECK_FALSE(parse_jwt_claims(bad));
  }
}
