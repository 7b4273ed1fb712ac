#include "src/oidc/jwks.hpp"

#include <catch2/catch.hpp>

#include "src/oidc/testing/jwt_signer.hpp"
#include "src/util/base64.hpp"

using namespace parley::oidc;
namespace base64 = parley::base64;
using parley::oidc::testing::test_key;

namespace {

const test_key& rsa() {
  static const test_key k = test_key::rsa("rsa-1");
  return k;
}
const test_key& ec() {
  static const test_key k = test_key::ec_p256("ec-1");
  return k;
}

std::string keys_of(std::initializer_list<std::string> jwks) {
  std::string out = "{\"keys\":[";
  bool first = true;
  for (const auto& j : jwks) {
    if (!first) out += ',';
    first = false;
    out += j;
  }
  return out + "]}";
}

}  // namespace

TEST_CASE("oidc jwks: RSA and P-256 keys load and verify what their private half signed",
          "[oidc]") {
  auto set = parse_jwks(testing::jwks_json({rsa(), ec()}));
  REQUIRE(set);
  CHECK(set->keys.size() == 2);
  CHECK(set->skipped == 0);
  auto r = set->find(std::string("rsa-1"), jws_alg::rs256);
  REQUIRE(r);
  CHECK(r->type == key_type::rsa);
  CHECK(set->find(std::string("rsa-1"), jws_alg::ps256) == r);
  CHECK_FALSE(set->find(std::string("rsa-1"), jws_alg::es256));
  auto e = set->find(std::string("ec-1"), jws_alg::es256);
  REQUIRE(e);
  CHECK(e->type == key_type::ec_p256);
  CHECK_FALSE(set->find(std::string("nope"), jws_alg::rs256));

  const std::string input = "a.b";
  CHECK(verify_jws_signature(jws_alg::rs256, r->key.get(), input, rsa().sign("RS256", input)));
  CHECK(verify_jws_signature(jws_alg::es256, e->key.get(), input, ec().sign("ES256", input)));
}

TEST_CASE("oidc jwks: a JWK that pins alg is only used for it", "[oidc]") {
  auto set = parse_jwks(keys_of({rsa().public_jwk("PS256")}));
  REQUIRE(set);
  REQUIRE(set->keys.size() == 1);
  CHECK(set->find(std::string("rsa-1"), jws_alg::ps256));
  CHECK_FALSE(set->find(std::string("rsa-1"), jws_alg::rs256));
}

TEST_CASE("oidc jwks: without a kid a token gets the only usable key, never a guess", "[oidc]") {
  auto one = parse_jwks(testing::jwks_json({rsa(), ec()}));
  REQUIRE(one);
  CHECK(one->find(std::nullopt, jws_alg::rs256));
  CHECK(one->find(std::nullopt, jws_alg::es256));
  auto two = parse_jwks(testing::jwks_json({rsa(), rsa().with_kid("rsa-2")}));
  REQUIRE(two);
  CHECK_FALSE(two->find(std::nullopt, jws_alg::rs256));
}

TEST_CASE("oidc jwks: unusable keys are skipped and counted, not fatal", "[oidc]") {
  const std::string x32 = base64::encode_url(std::string(32, '\x01'));
  const auto small = test_key::rsa("small", 1024);
  const std::string ec_jwk = ec().public_jwk();
  std::string off_curve = ec_jwk;  // same x, y changed: not a point on P-256
  const auto ypos = off_curve.find("\"y\":\"") + 5;
  off_curve[ypos] = off_curve[ypos] == 'A' ? 'B' : 'A';
  auto set = parse_jwks(keys_of({
      R"({"kty":"oct","kid":"h","k":"c2VjcmV0"})",
      R"({"kty":"RSA","kid":"enc","use":"enc","n":"AQAB","e":"AQAB"})",
      small.public_jwk(),
      R"({"kty":"EC","crv":"P-384","kid":"p384","x":")" + x32 + R"(","y":")" + x32 + "\"}",
      R"({"kty":"EC","crv":"P-256","kid":"short","x":"AQ","y":"AQ"})",
      R"({"kty":"OKP","crv":"Ed25519","kid":"ed","x":"AQ"})",
      R"({"kty":"RSA","kid":5})",
      R"("not an object")",
      rsa().public_jwk("RSA-OAEP"),
      rsa().public_jwk("ES256"),  // alg clashes with kty
      off_curve,
      rsa().public_jwk(),
  }));
  REQUIRE(set);
  CHECK(set->keys.size() == 1);
  CHECK(set->skipped == 11);
  CHECK(set->find(std::string("rsa-1"), jws_alg::rs256));
}

TEST_CASE("oidc jwks: a document without a keys array is an error", "[oidc]") {
  for (const char* bad : {"", "[]", "{}", R"({"keys":{}})", R"({"keys":[],"keys":[]})", "{"}) {
    INFO(bad);
    auto r = parse_jwks(bad);
    CHECK_FALSE(r);
  }
  auto empty = parse_jwks(R"({"keys":[]})");
  REQUIRE(empty);
  CHECK(empty->keys.empty());
}
