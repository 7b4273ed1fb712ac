#include "src/oidc/signature.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <memory>
#include <string>

namespace parley::oidc {

namespace {

constexpr int es256_half = 32;
constexpr int sha256_bytes = 32;

struct md_ctx_deleter {
  void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};
struct ecdsa_sig_deleter {
  void operator()(ECDSA_SIG* s) const noexcept { ECDSA_SIG_free(s); }
};

/// JWS carries ECDSA signatures as fixed-width r||s (RFC 7518 §3.4);
/// OpenSSL verifies the DER `ECDSA-Sig-Value`. Empty on failure.
std::string raw_to_der(std::string_view raw) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  std::unique_ptr<ECDSA_SIG, ecdsa_sig_deleter> sig(ECDSA_SIG_new());
  if (!sig) return {};
  BIGNUM* r = BN_bin2bn(bytes, es256_half, nullptr);
  BIGNUM* s = BN_bin2bn(bytes + es256_half, es256_half, nullptr);
  if (!r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return {};
  }
  const int len = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (len <= 0) return {};
  std::string der(static_cast<std::size_t>(len), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_ECDSA_SIG(sig.get(), &out) != len) return {};
  return der;
}

}  // namespace

std::optional<jws_alg> parse_jws_alg(std::string_view name) noexcept {
  if (name == "RS256") return jws_alg::rs256;
  if (name == "PS256") return jws_alg::ps256;
  if (name == "ES256") return jws_alg::es256;
  return std::nullopt;
}

std::string_view to_string(jws_alg alg) noexcept {
  switch (alg) {
    case jws_alg::rs256:
      return "RS256";
    case jws_alg::ps256:
      return "PS256";
    case jws_alg::es256:
      return "ES256";
  }
  return "RS256";
}

bool verify_jws_signature(jws_alg alg, EVP_PKEY* key, std::string_view signing_input,
                          std::string_view signature) noexcept {
  if (key == nullptr) return false;
  const bool rsa = alg != jws_alg::es256;
  if (rsa ? EVP_PKEY_is_a(key, "RSA") != 1 : EVP_PKEY_is_a(key, "EC") != 1) return false;
  std::string der;
  if (!rsa) {
    if (signature.size() != 2 * es256_half) return false;
    der = raw_to_der(signature);
    if (der.empty()) return false;
    signature = der;
  }
  std::unique_ptr<EVP_MD_CTX, md_ctx_deleter> ctx(EVP_MD_CTX_new());
  if (!ctx) return false;
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  if (EVP_DigestVerifyInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key) != 1) {
    ERR_clear_error();
    return false;
  }
  if (alg == jws_alg::ps256) {
    // RFC 7518 §3.5: MGF1 with the same hash, salt as long as the digest.
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, sha256_bytes) != 1)
      return false;
  } else if (alg == jws_alg::rs256) {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) return false;
  }
  const bool ok =
      EVP_DigestVerify(
          ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
          reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
  // A refused signature leaves reasons on this thread's OpenSSL error queue;
  // nobody reads them, and a later unrelated call must not find them.
  if (!ok) ERR_clear_error();
  return ok;
}

}  // namespace parley::oidc
