#include "src/oidc/evp_pkey.hpp"

#include <openssl/evp.h>

namespace parley::oidc {

void evp_pkey_deleter::operator()(EVP_PKEY* key) const noexcept {
  EVP_PKEY_free(key);
}

}  // namespace parley::oidc
