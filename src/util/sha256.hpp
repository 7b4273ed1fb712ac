#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace parley {

/// SHA-256 (FIPS 180-4) of `data`. Parley hashes a few short strings (read
/// state keys, bearer tokens); linking OpenSSL for that would cost every
/// stdio process about 3.5 MB of resident memory (bench/stdio_bench idle-rss).
[[nodiscard]] std::array<std::uint8_t, 32> sha256(std::string_view data);

/// The digest as 64 lowercase hex digits.
[[nodiscard]] std::string sha256_hex(std::string_view data);

}  // namespace parley
