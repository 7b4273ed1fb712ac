#include "src/oauth/client_registration.hpp"

#include <simdjson.h>

#include <algorithm>

#include "src/json/writer.hpp"
#include "src/util/url.hpp"

namespace parley::oauth {

namespace {

constexpr std::size_t k_max_uri = 2000;
constexpr std::size_t k_max_redirect_uris = 20;
constexpr std::size_t k_max_name = 200;

const char* member_type_error = "has the wrong type";

}  // namespace

bool is_allowed_redirect_uri(std::string_view uri) {
  if (uri.empty() || uri.size() > k_max_uri) return false;
  for (char c : uri) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '#' || c == '\\') return false;
  }
  auto parts = url::split(uri);
  if (!parts) return false;
  auto authority = url::parse_authority(parts->authority);
  if (!authority) return false;
  if (parts->scheme == "https") return true;
  return parts->scheme == "http" && url::is_loopback_host(authority->host);
}

namespace {

/// An RFC 7591 §3.2.2 refusal: the error code and a description for the
/// client developer.
struct refusal {
  std::string error;
  std::string description;
};

refusal bad_metadata(std::string description) {
  return {"invalid_client_metadata", std::move(description)};
}

refusal bad_redirect(std::string description) {
  return {"invalid_redirect_uri", std::move(description)};
}

/// Reads a request body's members one rule at a time.
class metadata_reader {
 public:
  explicit metadata_reader(simdjson::dom::object obj) : obj_(obj) {}

  /// An array of strings into `into`; absent keeps the default; false for a
  /// wrong type.
  bool string_list(std::string_view key, std::vector<std::string>& into) const {
    simdjson::dom::element el;
    if (obj_[key].get(el) != simdjson::SUCCESS) return true;
    simdjson::dom::array arr;
    if (el.get_array().get(arr) != simdjson::SUCCESS) return false;
    into.clear();
    for (auto item : arr) {
      std::string_view s;
      if (item.get_string().get(s) != simdjson::SUCCESS) return false;
      into.emplace_back(s);
    }
    return true;
  }

  /// redirect_uris: required for the code flow, each checked.
  std::optional<refusal> redirect_uris(client_metadata& m) const {
    simdjson::dom::element el;
    if (obj_["redirect_uris"].get(el) != simdjson::SUCCESS)
      return bad_redirect("redirect_uris is required");
    if (!string_list("redirect_uris", m.redirect_uris))
      return bad_redirect("redirect_uris must be an array of strings");
    if (m.redirect_uris.empty()) return bad_redirect("redirect_uris must list at least one URI");
    if (m.redirect_uris.size() > k_max_redirect_uris)
      return bad_redirect("at most 20 redirect_uris");
    for (const auto& u : m.redirect_uris)
      if (!is_allowed_redirect_uri(u))
        return bad_redirect(
            "redirect URIs must be https, or http on a loopback host (127.0.0.1, localhost, "
            "[::1]), without a fragment");
    return std::nullopt;
  }

  std::optional<refusal> auth_method(client_metadata& m) const {
    simdjson::dom::element el;
    if (obj_["token_endpoint_auth_method"].get(el) != simdjson::SUCCESS) return std::nullopt;
    std::string_view s;
    if (el.get_string().get(s) != simdjson::SUCCESS)
      return bad_metadata(std::string("token_endpoint_auth_method ") + member_type_error);
    if (s != "none" && s != "client_secret_post" && s != "client_secret_basic")
      return bad_metadata(
          "token_endpoint_auth_method must be none, client_secret_post or client_secret_basic");
    m.token_endpoint_auth_method = std::string(s);
    return std::nullopt;
  }

  std::optional<refusal> grant_and_response_types(client_metadata& m) const {
    if (!string_list("grant_types", m.grant_types))
      return bad_metadata(std::string("grant_types ") + member_type_error);
    for (const auto& g : m.grant_types)
      if (g != "authorization_code" && g != "refresh_token")
        return bad_metadata("grant_types may hold only authorization_code and refresh_token");
    if (std::find(m.grant_types.begin(), m.grant_types.end(), "authorization_code") ==
        m.grant_types.end())
      return bad_metadata("grant_types must include authorization_code");
    if (!string_list("response_types", m.response_types))
      return bad_metadata(std::string("response_types ") + member_type_error);
    if (m.response_types != std::vector<std::string>{"code"})
      return bad_metadata("response_types must be [\"code\"]");
    return std::nullopt;
  }

  /// Optional human-facing strings and contacts: echoed as given, never trusted.
  std::optional<refusal> echo_descriptive(client_metadata& m, json::writer& echo) const {
    for (std::string_view key : {"client_name", "client_uri", "logo_uri", "scope", "tos_uri",
                                 "policy_uri", "software_id", "software_version"}) {
      simdjson::dom::element el;
      if (obj_[key].get(el) != simdjson::SUCCESS || el.is_null()) continue;
      std::string_view s;
      if (el.get_string().get(s) != simdjson::SUCCESS)
        return bad_metadata(std::string(key) + " " + member_type_error);
      if (s.size() > (key == "client_name" ? k_max_name : k_max_uri))
        return bad_metadata(std::string(key) + " is too long");
      if (key == "client_name") m.client_name = std::string(s);
      echo.key(key).value(s);
    }
    std::vector<std::string> contacts;
    if (!string_list("contacts", contacts))
      return bad_metadata(std::string("contacts ") + member_type_error);
    if (!contacts.empty()) echo.key("contacts").string_array(contacts);
    return std::nullopt;
  }

 private:
  simdjson::dom::object obj_;
};

/// The metadata after defaults, or the first rule it breaks.
std::optional<refusal> read_metadata(simdjson::dom::object obj, client_metadata& m) {
  const metadata_reader r(obj);
  if (auto no = r.redirect_uris(m)) return no;
  if (auto no = r.auth_method(m)) return no;
  if (auto no = r.grant_and_response_types(m)) return no;
  json::writer echo;
  echo.begin_object();
  echo.key("redirect_uris").string_array(m.redirect_uris);
  echo.key("token_endpoint_auth_method").value(m.token_endpoint_auth_method);
  echo.key("grant_types").string_array(m.grant_types);
  echo.key("response_types").string_array(m.response_types);
  if (auto no = r.echo_descriptive(m, echo)) return no;
  echo.end_object();
  std::string members = std::move(echo).take();
  // `{...}` → `...`: the server adds client_id and friends beside these.
  m.echo_members = members.substr(1, members.size() - 2);
  return std::nullopt;
}

}  // namespace

registration_result parse_registration(std::string_view json) {
  registration_result out;
  auto refuse = [&](refusal r) {
    out.error = std::move(r.error);
    out.error_description = std::move(r.description);
    return out;
  };
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS)
    return refuse(bad_metadata("the body is not valid JSON"));
  simdjson::dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS)
    return refuse(bad_metadata("the body must be a JSON object of client metadata"));
  client_metadata m;
  if (auto no = read_metadata(obj, m)) return refuse(std::move(*no));
  out.metadata = std::move(m);
  return out;
}

}  // namespace parley::oauth
