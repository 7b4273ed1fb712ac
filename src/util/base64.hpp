#pragma once

#include <string>
#include <string_view>

#include "src/error/result.hpp"

/// The one base64 codec (RFC 4648). Encoding is always canonical; decoding
/// comes in named strictness levels because callers differ in what they must
/// refuse: a secret hash or a JWS part has exactly one valid spelling, while
/// the NATS agent matches the TypeScript reference, which ignores the unused
/// bits of the last character. Every decoder refuses whitespace and any
/// character outside its alphabet; errors are errc::invalid_argument with the
/// reason (and offset) in the message.
namespace parley::base64 {

/// Standard alphabet (`+`, `/`) with `=` padding (RFC 4648 §4): what Node's
/// `toString('base64')` writes.
[[nodiscard]] std::string encode(std::string_view bytes);

/// URL-safe alphabet (`-`, `_`) without padding (RFC 4648 §5): tokens, codes,
/// PKCE challenges, JWS parts.
[[nodiscard]] std::string encode_url(std::string_view bytes);

/// Standard alphabet, padding required (length a multiple of 4, at most two
/// `=` and only at the end), and the unused bits of the last character must
/// be zero: the exact inverse of `encode`, so a hand-edited value is refused
/// instead of silently decoding to other bytes. "" is zero bytes.
[[nodiscard]] result<std::string> decode_strict(std::string_view text);

/// As decode_strict, except that non-zero unused bits in the last character
/// are accepted (so `aGl=` is "hi"), as the TypeScript NATS agent's
/// `decodeStrictBase64` does.
[[nodiscard]] result<std::string> decode_lenient(std::string_view text);

/// URL-safe alphabet without padding, the only form `encode_url` writes: `=`,
/// the standard alphabet's `+` and `/`, a length of 4k+1 and non-zero unused
/// bits are all refused, so two spellings of one JWS signature cannot both
/// verify.
[[nodiscard]] result<std::string> decode_url(std::string_view text);

}  // namespace parley::base64
