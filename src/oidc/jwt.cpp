#include "src/oidc/jwt.hpp"

#include <algorithm>

#include "src/oidc/json_object.hpp"
#include "src/util/base64.hpp"

namespace parley::oidc {

namespace {

error malformed(std::string what) {
  return error{errc::invalid_argument, std::move(what)};
}

result<double> numeric_date(simdjson::dom::element v, std::string_view name) {
  double d = 0;
  switch (v.type()) {
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64:
    case simdjson::dom::element_type::DOUBLE:
      if (!v.get_double().get(d)) return d;
      break;
    default:
      break;
  }
  return malformed("claim " + std::string(name) + " is not a number");
}

result<std::vector<std::string>> string_array(simdjson::dom::element v, std::string_view name) {
  simdjson::dom::array arr;
  if (v.get_array().get(arr)) return malformed(std::string(name) + " is not an array");
  std::vector<std::string> out;
  for (auto item : arr) {
    std::string_view s;
    if (item.get_string().get(s))
      return malformed(std::string(name) + " has a member that is not a string");
    out.emplace_back(s);
  }
  return out;
}

void add_unique(std::vector<std::string>& to, std::string s) {
  if (!s.empty() && std::find(to.begin(), to.end(), s) == to.end()) to.push_back(std::move(s));
}

void add_space_separated(std::vector<std::string>& to, std::string_view s) {
  while (!s.empty()) {
    const auto sp = s.find(' ');
    add_unique(to, std::string(s.substr(0, sp)));
    if (sp == std::string_view::npos) break;
    s.remove_prefix(sp + 1);
  }
}

/// `scope` is a string; `scp` is an array (Okta, Keycloak's `scp` mapper) or
/// a string (Azure AD).
result<void> add_scopes(std::vector<std::string>& to, simdjson::dom::element v,
                        std::string_view name, bool array_allowed) {
  std::string_view s;
  if (!v.get_string().get(s)) {
    add_space_separated(to, s);
    return {};
  }
  if (!array_allowed) return malformed("claim " + std::string(name) + " is not a string");
  auto items = string_array(v, "claim " + std::string(name));
  if (!items) return items.error();
  for (auto& item : *items) add_unique(to, std::move(item));
  return {};
}

}  // namespace

result<compact_jws> split_compact_jws(std::string_view token) {
  if (token.empty()) return malformed("token is empty");
  if (token.size() > max_token_bytes)
    return malformed("token is longer than " + std::to_string(max_token_bytes) + " bytes");
  const auto dots = std::count(token.begin(), token.end(), '.');
  if (dots == 4) return malformed("token has five parts (an encrypted JWE, not a signed JWT)");
  if (dots != 2) return malformed("token is not three dot-separated parts");
  const auto d1 = token.find('.');
  const auto d2 = token.find('.', d1 + 1);
  const auto header_b64 = token.substr(0, d1);
  const auto payload_b64 = token.substr(d1 + 1, d2 - d1 - 1);
  const auto signature_b64 = token.substr(d2 + 1);
  if (header_b64.empty()) return malformed("token header is empty");
  if (payload_b64.empty()) return malformed("token payload is empty");
  if (signature_b64.empty()) return malformed("token is unsigned (empty signature)");
  compact_jws out;
  auto header = base64::decode_url(header_b64);
  if (!header) return malformed("token header: " + header.error().message);
  auto payload = base64::decode_url(payload_b64);
  if (!payload) return malformed("token payload: " + payload.error().message);
  auto signature = base64::decode_url(signature_b64);
  if (!signature) return malformed("token signature: " + signature.error().message);
  out.header_json = std::move(*header);
  out.payload_json = std::move(*payload);
  out.signature = std::move(*signature);
  out.signing_input = std::string(token.substr(0, d2));
  return out;
}

result<jose_header> parse_jose_header(std::string_view json) {
  simdjson::dom::parser parser;
  auto obj = parse_json_object(parser, json, "token header");
  if (!obj) return obj.error();
  jose_header out;
  bool has_alg = false;
  for (auto field : *obj) {
    const auto key = field.key;
    if (key == "crit")
      return malformed("token header names critical extensions (crit), none are supported");
    if (key != "alg" && key != "kid" && key != "typ") continue;
    auto s = string_member(field.value, "header " + std::string(key));
    if (!s) return s.error();
    if (key == "alg") {
      out.alg = std::move(*s);
      has_alg = true;
    } else {
      (key == "kid" ? out.kid : out.typ) = std::move(*s);
    }
  }
  if (!has_alg) return malformed("token header has no alg");
  return out;
}

result<jwt_claims> parse_jwt_claims(std::string_view json) {
  simdjson::dom::parser parser;
  auto obj = parse_json_object(parser, json, "token payload");
  if (!obj) return obj.error();
  jwt_claims out;
  for (auto field : *obj) {
    const auto key = field.key;
    const auto v = field.value;
    if (key == "iss" || key == "sub" || key == "preferred_username") {
      auto s = string_member(v, "claim " + std::string(key));
      if (!s) return s.error();
      (key == "iss" ? out.iss : key == "sub" ? out.sub : out.preferred_username) = std::move(*s);
    } else if (key == "aud") {
      std::string_view s;
      if (!v.get_string().get(s)) {
        out.aud.emplace_back(s);
      } else {
        auto items = string_array(v, "claim aud");
        if (!items) return malformed("claim aud is neither a string nor an array of strings");
        out.aud = std::move(*items);
      }
    } else if (key == "exp" || key == "nbf" || key == "iat") {
      auto d = numeric_date(v, key);
      if (!d) return d.error();
      (key == "exp" ? out.exp : key == "nbf" ? out.nbf : out.iat) = *d;
    } else if (key == "scope" || key == "scp") {
      if (auto r = add_scopes(out.scopes, v, key, key == "scp"); !r) return r.error();
    } else if (key == "realm_access") {
      simdjson::dom::object realm;
      if (v.get_object().get(realm)) return malformed("claim realm_access is not an object");
      simdjson::dom::element roles;
      if (!realm["roles"].get(roles)) {
        auto items = string_array(roles, "claim realm_access.roles");
        if (!items) return items.error();
        out.realm_roles = std::move(*items);
      }
    }
  }
  return out;
}

}  // namespace parley::oidc
