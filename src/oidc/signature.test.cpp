#include "src/oidc/signature.hpp"

#include <catch2/catch.hpp>

#include "src/oidc/testing/jwt_signer.hpp"

using namespace parley::oidc;
using parley::oidc::testing::test_key;

namespace {

const test_key& rsa() {
  static const test_key k = test_key::rsa("r");
  return k;
}
const test_key& ec() {
  static const test_key k = test_key::ec_p256("e");
  return k;
}

}  // namespace

TEST_CASE("oidc signature: only RS256, PS256 and ES256 are algorithms", "[oidc]") {
  CHECK(parse_jws_alg("RS256") == jws_alg::rs256);
  CHECK(parse_jws_alg("PS256") == jws_alg::ps256);
  CHECK(parse_jws_alg("ES256") == jws_alg::es256);
  for (const char* refused : {"none", "None", "HS256", "HS512", "rs256", "RS384", "RS512", "ES384",
                              "ES256K", "EdDSA", "PS512", ""})
    CHECK_FALSE(parse_jws_alg(refused));
  CHECK(to_string(jws_alg::ps256) == "PS256");
}

TEST_CASE("oidc signature: good signatures verify, each with its own key type", "[oidc]") {
  const std::string input = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0";
  CHECK(verify_jws_signature(jws_alg::rs256, rsa().pkey(), input, rsa().sign("RS256", input)));
  CHECK(verify_jws_signature(jws_alg::ps256, rsa().pkey(), input, rsa().sign("PS256", input)));
  const auto es = ec().sign("ES256", input);
  CHECK(es.size() == 64);
  CHECK(verify_jws_signature(jws_alg::es256, ec().pkey(), input, es));
}

TEST_CASE("oidc signature: tampering, wrong key type or wrong padding fail", "[oidc]") {
  const std::string input = "header.payload";
  const auto rs = rsa().sign("RS256", input);
  const auto ps = rsa().sign("PS256", input);
  const auto es = ec().sign("ES256", input);
  CHECK_FALSE(verify_jws_signature(jws_alg::rs256, rsa().pkey(), "header.payloae", rs));
  CHECK_FALSE(verify_jws_signature(jws_alg::ps256, rsa().pkey(), input, rs));  // PKCS#1 as PSS
  CHECK_FALSE(verify_jws_signature(jws_alg::rs256, rsa().pkey(), input, ps));  // PSS as PKCS#1
  CHECK_FALSE(verify_jws_signature(jws_alg::es256, rsa().pkey(), input, es));  // RSA key, ES256
  CHECK_FALSE(verify_jws_signature(jws_alg::rs256, ec().pkey(), input, rs));   // EC key, RS256
  CHECK_FALSE(verify_jws_signature(jws_alg::es256, ec().pkey(), "header.payloae", es));
  CHECK_FALSE(verify_jws_signature(jws_alg::es256, ec().pkey(), input, es.substr(0, 63)));
  CHECK_FALSE(verify_jws_signature(jws_alg::es256, ec().pkey(), input, es + "x"));
  CHECK_FALSE(verify_jws_signature(jws_alg::es256, ec().pkey(), input, std::string(64, '\0')));
  CHECK_FALSE(verify_jws_signature(jws_alg::rs256, nullptr, input, rs));
  auto flipped = rs;
  flipped[10] = static_cast<char>(flipped[10] ^ 1);
  CHECK_FALSE(verify_jws_signature(jws_alg::rs256, rsa().pkey(), input, flipped));
  // Another key of the same type.
  const auto other = test_key::ec_p256("o");
  CHECK_FALSE(verify_jws_signature(jws_alg::es256, other.pkey(), input, es));
}
