#include "src/util/safe_name.hpp"

#include <openssl/sha.h>

#include "src/util/hex.hpp"

namespace parley {

std::string safe_name(std::string_view topic, std::string folded) {
  if (folded == topic) return folded;
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(topic.data()), topic.size(), digest);
  return folded + "-" + to_hex(digest, 5);  // 10 hex digits
}

}  // namespace parley
