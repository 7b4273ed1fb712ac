#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace parley::oauth {

/// The parts of a stored secret hash, `scrypt$<salt b64>$<hash b64>` (the
/// original's Node format). Reading the format needs no cryptography, so
/// config validation can check it without linking OpenSSL.
struct decoded_secret_hash {
  std::string salt;
  std::string hash;
};

inline constexpr std::size_t secret_salt_bytes = 16;
inline constexpr std::size_t secret_hash_bytes = 32;

/// The salt and hash, or nullopt when `encoded` is not in that format.
[[nodiscard]] std::optional<decoded_secret_hash> decode_secret_hash(std::string_view encoded);

/// True when `encoded` has the shape hash_secret produces (config check).
[[nodiscard]] bool is_secret_hash(std::string_view encoded);

}  // namespace parley::oauth
