#include "src/oauth/secret_hash_format.hpp"

#include "src/util/base64.hpp"

namespace parley::oauth {

std::optional<decoded_secret_hash> decode_secret_hash(std::string_view encoded) {
  constexpr std::string_view prefix = "scrypt$";
  if (encoded.substr(0, prefix.size()) != prefix) return std::nullopt;
  encoded.remove_prefix(prefix.size());
  const auto dollar = encoded.find('$');
  if (dollar == std::string_view::npos) return std::nullopt;
  auto salt = base64::decode_strict(encoded.substr(0, dollar));
  auto hash = base64::decode_strict(encoded.substr(dollar + 1));
  if (!salt || !hash || salt->size() != secret_salt_bytes || hash->size() != secret_hash_bytes)
    return std::nullopt;
  return decoded_secret_hash{std::move(*salt), std::move(*hash)};
}

bool is_secret_hash(std::string_view encoded) { return decode_secret_hash(encoded).has_value(); }

}  // namespace parley::oauth
