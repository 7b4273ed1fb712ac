#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace parley {

/// SHA-256 (FIPS 180-4) of `data`: read-state keys, bearer-token digests,
/// the OAuth grant store's hashes, PKCE S256. Parley's only SHA-256: linking
/// OpenSSL into the stdio program for it would cost every session about
/// 3.5 MB of resident memory (bench/stdio_bench idle-rss).
[[nodiscard]] std::array<std::uint8_t, 32> sha256(std::string_view data);

/// The digest as 64 lowercase hex digits.
[[nodiscard]] std::string sha256_hex(std::string_view data);

/// The digest as 32 raw bytes.
[[nodiscard]] std::string sha256_raw(std::string_view data);

}  // namespace parley
