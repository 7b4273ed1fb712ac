#include "src/oauth/pkce.hpp"

#include <catch2/catch.hpp>

#include <string>

#include "src/oauth/crypto.hpp"

using namespace parley::oauth;
using parley::sha256_hex;

TEST_CASE("pkce: RFC 7636 appendix B known answer", "[oauth]") {
  const std::string verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  const std::string challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
  CHECK(is_code_verifier(verifier));
  CHECK(is_s256_challenge(challenge));
  CHECK(verify_s256(verifier, challenge));
  CHECK_FALSE(verify_s256(verifier + "x", challenge));
  CHECK_FALSE(verify_s256(verifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cN"));
}

TEST_CASE("pkce: verifier and challenge shapes", "[oauth]") {
  CHECK_FALSE(is_code_verifier(std::string(42, 'a')));
  CHECK(is_code_verifier(std::string(128, '~')));
  CHECK_FALSE(is_code_verifier(std::string(129, 'a')));
  CHECK_FALSE(is_code_verifier(std::string(43, 'a') + "+"));
  CHECK_FALSE(is_s256_challenge(std::string(44, 'a')));
  CHECK_FALSE(is_s256_challenge(std::string(42, 'a') + "="));
  CHECK(is_s256_challenge(random_token()));
}

TEST_CASE("crypto: random values and digests", "[oauth]") {
  CHECK(random_token() != random_token());
  CHECK(random_token().size() == 43);
  const std::string id = random_uuid();
  CHECK(id.size() == 36);
  CHECK(id[14] == '4');
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(constant_time_equal("abc", "abc"));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("abc", "ab"));
}
