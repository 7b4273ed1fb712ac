#include "src/oidc/testing/jwt_signer.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <stdexcept>

#include "src/json/writer.hpp"
#include "src/util/base64.hpp"

namespace parley::oidc::testing {

namespace {

struct md_ctx_deleter {
  void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};
struct bn_deleter {
  void operator()(BIGNUM* b) const noexcept { BN_free(b); }
};
struct ecdsa_sig_deleter {
  void operator()(ECDSA_SIG* s) const noexcept { ECDSA_SIG_free(s); }
};

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("jwt_signer: " + what);
}

std::shared_ptr<EVP_PKEY> own(EVP_PKEY* k) {
  if (!k) fail("key generation failed");
  return std::shared_ptr<EVP_PKEY>(k, EVP_PKEY_free);
}

std::string bn_param(EVP_PKEY* key, const char* name, int pad_to = 0) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) fail(std::string("no parameter ") + name);
  std::unique_ptr<BIGNUM, bn_deleter> bn(raw);
  const int len = pad_to > 0 ? pad_to : BN_num_bytes(bn.get());
  std::string out(static_cast<std::size_t>(len), '\0');
  BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(out.data()), len);
  return out;
}

std::string bn_fixed(const BIGNUM* bn, int len) {
  std::string out(static_cast<std::size_t>(len), '\0');
  if (BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), len) != len)
    fail("ECDSA value too long");
  return out;
}

}  // namespace

test_key test_key::rsa(std::string kid, int bits) {
  test_key k;
  k.kid_ = std::move(kid);
  k.key_ = own(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(bits)));
  return k;
}

test_key test_key::ec_p256(std::string kid) {
  test_key k;
  k.kid_ = std::move(kid);
  k.key_ = own(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  return k;
}

test_key test_key::with_kid(std::string kid) const {
  test_key k = *this;
  k.kid_ = std::move(kid);
  return k;
}

std::string test_key::public_jwk(std::optional<std::string> alg) const {
  json::writer w;
  w.begin_object();
  if (EVP_PKEY_is_a(key_.get(), "RSA") == 1) {
    w.key("kty").value("RSA");
    w.key("n").value(base64::encode_url(bn_param(key_.get(), OSSL_PKEY_PARAM_RSA_N)));
    w.key("e").value(base64::encode_url(bn_param(key_.get(), OSSL_PKEY_PARAM_RSA_E)));
  } else {
    w.key("kty").value("EC");
    w.key("crv").value("P-256");
    w.key("x").value(base64::encode_url(bn_param(key_.get(), OSSL_PKEY_PARAM_EC_PUB_X, 32)));
    w.key("y").value(base64::encode_url(bn_param(key_.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 32)));
  }
  w.key("use").value("sig");
  if (!kid_.empty()) w.key("kid").value(kid_);
  if (alg) w.key("alg").value(*alg);
  w.end_object();
  return std::move(w).take();
}

std::string test_key::sign(std::string_view alg, std::string_view signing_input) const {
  std::unique_ptr<EVP_MD_CTX, md_ctx_deleter> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key_.get()) != 1)
    fail("sign init failed");
  if (alg == "PS256") {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32) != 1)
      fail("PSS setup failed");
  } else if (alg != "RS256" && alg != "ES256") {
    fail("cannot sign " + std::string(alg));
  }
  const auto* in = reinterpret_cast<const unsigned char*>(signing_input.data());
  std::size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, in, signing_input.size()) != 1) fail("sign failed");
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in,
                     signing_input.size()) != 1)
    fail("sign failed");
  sig.resize(len);
  if (alg != "ES256") return sig;
  // DER ECDSA-Sig-Value → the fixed-width r||s of RFC 7518 §3.4.
  const auto* p = reinterpret_cast<const unsigned char*>(sig.data());
  std::unique_ptr<ECDSA_SIG, ecdsa_sig_deleter> ec(
      d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size())));
  if (!ec) fail("bad DER signature");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(ec.get(), &r, &s);
  return bn_fixed(r, 32) + bn_fixed(s, 32);
}

std::string jwks_json(const std::vector<test_key>& keys) {
  std::string out = "{\"keys\":[";
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) out += ',';
    out += keys[i].public_jwk();
  }
  return out + "]}";
}

std::string sign_jwt(const test_key& key, std::string_view alg, std::string_view claims_json) {
  json::writer h;
  h.begin_object().key("alg").value(alg).key("typ").value("JWT");
  if (!key.kid().empty()) h.key("kid").value(key.kid());
  h.end_object();
  return sign_jwt_with_header(key, alg, h.str(), claims_json);
}

std::string sign_jwt_with_header(const test_key& key, std::string_view alg,
                                 std::string_view header_json, std::string_view claims_json) {
  const std::string input = base64::encode_url(header_json) + "." + base64::encode_url(claims_json);
  return input + "." + base64::encode_url(key.sign(alg, input));
}

std::string test_claims::to_json() const {
  json::writer w;
  w.begin_object();
  if (!iss.empty()) w.key("iss").value(iss);
  if (!sub.empty()) w.key("sub").value(sub);
  if (aud.size() == 1)
    w.key("aud").value(aud.front());
  else if (!aud.empty())
    w.key("aud").string_array(aud);
  if (iat) w.key("iat").value(*iat);
  if (exp) w.key("exp").value(*exp);
  if (nbf) w.key("nbf").value(*nbf);
  if (scope) w.key("scope").value(*scope);
  if (preferred_username) w.key("preferred_username").value(*preferred_username);
  if (!realm_roles.empty())
    w.key("realm_access").begin_object().key("roles").string_array(realm_roles).end_object();
  w.end_object();
  return std::move(w).take();
}

}  // namespace parley::oidc::testing
