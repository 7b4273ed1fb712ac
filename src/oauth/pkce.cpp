#include "src/oauth/pkce.hpp"

#include <algorithm>

#include "src/oauth/crypto.hpp"
#include "src/util/base64.hpp"

namespace parley::oauth {

namespace {

bool is_alnum(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

}  // namespace

bool is_s256_challenge(std::string_view challenge) noexcept {
  return challenge.size() == 43 && std::all_of(challenge.begin(), challenge.end(), [](char c) {
           return is_alnum(c) || c == '-' || c == '_';
         });
}

bool is_code_verifier(std::string_view verifier) noexcept {
  return verifier.size() >= 43 && verifier.size() <= 128 &&
         std::all_of(verifier.begin(), verifier.end(), [](char c) {
           return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
         });
}

bool verify_s256(std::string_view verifier, std::string_view challenge) {
  if (!is_code_verifier(verifier)) return false;
  return constant_time_equal(base64::encode_url(sha256_raw(verifier)), challenge);
}

}  // namespace parley::oauth
