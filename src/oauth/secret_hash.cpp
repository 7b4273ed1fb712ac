#include "src/oauth/secret_hash.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "src/oauth/crypto.hpp"
#include "src/util/base64.hpp"

namespace parley::oauth {

namespace {

// Node's crypto.scrypt defaults; the original hashes with them.
constexpr std::uint64_t k_n = 16384;
constexpr std::uint64_t k_r = 8;
constexpr std::uint64_t k_p = 1;
constexpr std::size_t k_salt_bytes = secret_salt_bytes;
constexpr std::size_t k_hash_bytes = secret_hash_bytes;
// 128·N·r = 16 MiB is needed; OpenSSL's default cap (32 MiB) is close
// enough to its own bookkeeping that we state the limit outright.
constexpr std::uint64_t k_max_mem = 64ULL * 1024 * 1024;

std::optional<std::string> derive(std::string_view secret, std::string_view salt) {
  std::string out(k_hash_bytes, '\0');
  if (EVP_PBE_scrypt(secret.data(), secret.size(),
                     reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), k_n, k_r,
                     k_p, k_max_mem, reinterpret_cast<unsigned char*>(out.data()), out.size()) != 1)
    return std::nullopt;
  return out;
}

}  // namespace

std::string hash_secret(std::string_view secret) {
  std::string salt(k_salt_bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), static_cast<int>(salt.size())) !=
      1) {
    std::fputs("parley: the system random generator failed\n", stderr);
    std::abort();
  }
  auto hash = derive(secret, salt);
  if (!hash) {
    std::fputs("parley: scrypt failed (out of memory?)\n", stderr);
    std::abort();
  }
  return "scrypt$" + base64::encode(salt) + "$" + base64::encode(*hash);
}

bool verify_secret(std::string_view secret, std::string_view encoded) {
  if (secret.empty()) return false;
  auto parts = decode_secret_hash(encoded);
  if (!parts) return false;
  auto hash = derive(secret, parts->salt);
  return hash && constant_time_equal(*hash, parts->hash);
}

}  // namespace parley::oauth
