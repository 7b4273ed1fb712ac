#pragma once

#include <string>
#include <string_view>

#include "src/error/result.hpp"

namespace parley::oidc {

/// Decodes the unpadded base64url of JWS (RFC 7515 §2, RFC 4648 §5). Strict,
/// because a token is attacker-controlled and two spellings of one signature
/// should not both verify: `=` padding, the standard alphabet's `+` and `/`,
/// whitespace, a length of 4k+1, and non-zero trailing bits are all refused
/// (errc::invalid_argument, with the offending offset).
[[nodiscard]] result<std::string> decode_base64url(std::string_view text);

/// Unpadded base64url, the only form decode_base64url accepts.
[[nodiscard]] std::string encode_base64url(std::string_view bytes);

}  // namespace parley::oidc
