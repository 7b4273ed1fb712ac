#pragma once

#include <string>
#include <string_view>

#include "src/oauth/secret_hash_format.hpp"

namespace parley::oauth {

/// An owner's login secret as stored in config: `scrypt$<salt>$<hash>`, both
/// standard base64 (16-byte salt, 32-byte hash) with Node's scrypt defaults
/// (N=16384, r=8, p=1), so hashes made by the TypeScript original verify
/// here and the other way round. `parley hash-secret` prints one.
[[nodiscard]] std::string hash_secret(std::string_view secret);

/// True when `secret` matches `encoded`. The comparison is constant-time;
/// an empty secret and a malformed encoding are always false (a typo in the
/// config must lock the owner out, not let anyone in).
[[nodiscard]] bool verify_secret(std::string_view secret, std::string_view encoded);


}  // namespace parley::oauth
