#pragma once

#include <memory>

using EVP_PKEY = struct evp_pkey_st;

namespace parley::oidc {

/// Frees an EVP_PKEY; lets headers own keys without including OpenSSL.
struct evp_pkey_deleter {
  void operator()(EVP_PKEY* key) const noexcept;
};

/// Sole owner of an OpenSSL public key.
using evp_pkey_ptr = std::unique_ptr<EVP_PKEY, evp_pkey_deleter>;

}  // namespace parley::oidc
