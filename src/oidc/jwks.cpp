#include "src/oidc/jwks.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <algorithm>

#include "src/oidc/json_object.hpp"
#include "src/util/base64.hpp"

namespace parley::oidc {

namespace {

/// RFC 8725 §3.5 / NIST: smaller RSA keys are not trusted. Bigger than the
/// upper bound only costs CPU per verification for no gain.
constexpr int min_rsa_bits = 2048;
constexpr int max_rsa_bits = 8192;
constexpr std::size_t p256_coordinate_bytes = 32;

struct bn_deleter {
  void operator()(BIGNUM* b) const noexcept { BN_free(b); }
};
struct param_bld_deleter {
  void operator()(OSSL_PARAM_BLD* b) const noexcept { OSSL_PARAM_BLD_free(b); }
};
struct params_deleter {
  void operator()(OSSL_PARAM* p) const noexcept { OSSL_PARAM_free(p); }
};
struct pkey_ctx_deleter {
  void operator()(EVP_PKEY_CTX* c) const noexcept { EVP_PKEY_CTX_free(c); }
};
using bn_ptr = std::unique_ptr<BIGNUM, bn_deleter>;

std::optional<std::string> string_field(simdjson::dom::object obj, std::string_view name) {
  std::string_view s;
  if (obj[name].get_string().get(s)) return std::nullopt;
  return std::string(s);
}

bool has_field(simdjson::dom::object obj, std::string_view name) {
  simdjson::dom::element e;
  return !obj[name].get(e);
}

/// A public key from OSSL_PARAMs (`type` "RSA" or "EC"), checked by OpenSSL
/// (an EC point must lie on the curve). Null on any failure.
evp_pkey_ptr key_from_params(const char* type, OSSL_PARAM_BLD* bld) {
  std::unique_ptr<OSSL_PARAM, params_deleter> params(OSSL_PARAM_BLD_to_param(bld));
  if (!params) return nullptr;
  std::unique_ptr<EVP_PKEY_CTX, pkey_ctx_deleter> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) return nullptr;
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) return nullptr;
  evp_pkey_ptr key(raw);
  std::unique_ptr<EVP_PKEY_CTX, pkey_ctx_deleter> check(
      EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) return nullptr;
  return key;
}

bn_ptr big_number(simdjson::dom::object obj, std::string_view name) {
  auto text = string_field(obj, name);
  if (!text) return nullptr;
  auto bytes = base64::decode_url(*text);
  if (!bytes || bytes->empty()) return nullptr;
  return bn_ptr(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes->data()),
                          static_cast<int>(bytes->size()), nullptr));
}

evp_pkey_ptr rsa_key(simdjson::dom::object obj) {
  bn_ptr n = big_number(obj, "n");
  bn_ptr e = big_number(obj, "e");
  if (!n || !e) return nullptr;
  const int bits = BN_num_bits(n.get());
  if (bits < min_rsa_bits || bits > max_rsa_bits) return nullptr;
  std::unique_ptr<OSSL_PARAM_BLD, param_bld_deleter> bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1)
    return nullptr;
  return key_from_params("RSA", bld.get());
}

evp_pkey_ptr p256_key(simdjson::dom::object obj) {
  if (string_field(obj, "crv") != "P-256") return nullptr;
  auto x_text = string_field(obj, "x");
  auto y_text = string_field(obj, "y");
  if (!x_text || !y_text) return nullptr;
  auto x = base64::decode_url(*x_text);
  auto y = base64::decode_url(*y_text);
  // RFC 7518 §6.2.1.2: each coordinate is the full size, leading zeros kept.
  if (!x || !y || x->size() != p256_coordinate_bytes || y->size() != p256_coordinate_bytes)
    return nullptr;
  const std::string point = std::string(1, '\x04') + *x + *y;  // uncompressed SEC1
  std::unique_ptr<OSSL_PARAM_BLD, param_bld_deleter> bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1)
    return nullptr;
  return key_from_params("EC", bld.get());
}

/// The key a JWK describes, or null when we cannot or must not use it.
std::shared_ptr<const jwk> parse_jwk(simdjson::dom::element el) {
  simdjson::dom::object obj;
  if (el.get_object().get(obj)) return nullptr;
  auto kty = string_field(obj, "kty");
  if (!kty) return nullptr;
  if (has_field(obj, "use") && string_field(obj, "use") != "sig") return nullptr;
  auto out = std::make_shared<jwk>();
  if (has_field(obj, "kid")) {
    auto kid = string_field(obj, "kid");
    if (!kid) return nullptr;
    out->kid = std::move(*kid);
  }
  if (has_field(obj, "alg")) {
    out->alg = string_field(obj, "alg");
    if (!out->alg || !parse_jws_alg(*out->alg)) return nullptr;  // e.g. RSA-OAEP, HS256
  }
  if (*kty == "RSA") {
    out->type = key_type::rsa;
    out->key = rsa_key(obj);
  } else if (*kty == "EC") {
    out->type = key_type::ec_p256;
    out->key = p256_key(obj);
  }
  if (!out->key) {
    ERR_clear_error();
    return nullptr;
  }
  if (out->alg && !out->usable_for(*parse_jws_alg(*out->alg))) return nullptr;  // kty/alg clash
  return out;
}

}  // namespace

bool jwk::usable_for(jws_alg a) const noexcept {
  const bool type_fits = a == jws_alg::es256 ? type == key_type::ec_p256 : type == key_type::rsa;
  return type_fits && (!alg || *alg == to_string(a));
}

std::shared_ptr<const jwk> jwk_set::find(const std::optional<std::string>& kid, jws_alg alg) const {
  if (kid) {
    for (const auto& k : keys)
      if (k->kid == *kid && k->usable_for(alg)) return k;
    return nullptr;
  }
  std::shared_ptr<const jwk> only;
  for (const auto& k : keys) {
    if (!k->usable_for(alg)) continue;
    if (only) return nullptr;
    only = k;
  }
  return only;
}

result<jwk_set> parse_jwks(std::string_view json) {
  simdjson::dom::parser parser;
  auto obj = parse_json_object(parser, json, "JWKS");
  if (!obj) return obj.error();
  simdjson::dom::array arr;
  if ((*obj)["keys"].get_array().get(arr))
    return fail(errc::invalid_argument, "JWKS has no \"keys\" array");
  jwk_set out;
  for (auto el : arr) {
    if (auto k = parse_jwk(el))
      out.keys.push_back(std::move(k));
    else
      ++out.skipped;
  }
  return out;
}

}  // namespace parley::oidc
