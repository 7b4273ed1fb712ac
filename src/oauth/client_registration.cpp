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

registration_result parse_registration(std::string_view json) {
  registration_result out;
  auto refuse = [&](std::string error, std::string description) {
    out.metadata.reset();
    out.error = std::move(error);
    out.error_description = std::move(description);
    return out;
  };
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS)
    return refuse("invalid_client_metadata", "the body is not valid JSON");
  simdjson::dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS)
    return refuse("invalid_client_metadata", "the body must be a JSON object of client metadata");

  client_metadata m;
  json::writer echo;
  echo.begin_object();

  auto string_list = [&](std::string_view key, std::vector<std::string>& into) -> bool {
    simdjson::dom::element el;
    if (obj[key].get(el) != simdjson::SUCCESS) return true;  // absent: keep the default
    simdjson::dom::array arr;
    if (el.get_array().get(arr) != simdjson::SUCCESS) return false;
    into.clear();
    for (auto item : arr) {
      std::string_view s;
      if (item.get_string().get(s) != simdjson::SUCCESS) return false;
      into.emplace_back(s);
    }
    return true;
  };

  // redirect_uris: required for the code flow, each checked.
  {
    simdjson::dom::element el;
    if (obj["redirect_uris"].get(el) != simdjson::SUCCESS)
      return refuse("invalid_redirect_uri", "redirect_uris is required");
    if (!string_list("redirect_uris", m.redirect_uris))
      return refuse("invalid_redirect_uri", "redirect_uris must be an array of strings");
    if (m.redirect_uris.empty())
      return refuse("invalid_redirect_uri", "redirect_uris must list at least one URI");
    if (m.redirect_uris.size() > k_max_redirect_uris)
      return refuse("invalid_redirect_uri", "at most 20 redirect_uris");
    for (const auto& u : m.redirect_uris)
      if (!is_allowed_redirect_uri(u))
        return refuse("invalid_redirect_uri",
                      "redirect URIs must be https, or http on a loopback host (127.0.0.1, "
                      "localhost, [::1]), "
                      "without a fragment");
  }

  {
    simdjson::dom::element el;
    if (obj["token_endpoint_auth_method"].get(el) == simdjson::SUCCESS) {
      std::string_view s;
      if (el.get_string().get(s) != simdjson::SUCCESS)
        return refuse("invalid_client_metadata",
                      std::string("token_endpoint_auth_method ") + member_type_error);
      if (s != "none" && s != "client_secret_post" && s != "client_secret_basic")
        return refuse(
            "invalid_client_metadata",
            "token_endpoint_auth_method must be none, client_secret_post or client_secret_basic");
      m.token_endpoint_auth_method = std::string(s);
    }
  }

  if (!string_list("grant_types", m.grant_types))
    return refuse("invalid_client_metadata", std::string("grant_types ") + member_type_error);
  for (const auto& g : m.grant_types)
    if (g != "authorization_code" && g != "refresh_token")
      return refuse("invalid_client_metadata",
                    "grant_types may hold only authorization_code and refresh_token");
  if (std::find(m.grant_types.begin(), m.grant_types.end(), "authorization_code") ==
      m.grant_types.end())
    return refuse("invalid_client_metadata", "grant_types must include authorization_code");

  if (!string_list("response_types", m.response_types))
    return refuse("invalid_client_metadata", std::string("response_types ") + member_type_error);
  if (m.response_types != std::vector<std::string>{"code"})
    return refuse("invalid_client_metadata", "response_types must be [\"code\"]");

  echo.key("redirect_uris").string_array(m.redirect_uris);
  echo.key("token_endpoint_auth_method").value(m.token_endpoint_auth_method);
  echo.key("grant_types").string_array(m.grant_types);
  echo.key("response_types").string_array(m.response_types);

  // Optional human-facing strings: echoed as given, never trusted.
  for (std::string_view key : {"client_name", "client_uri", "logo_uri", "scope", "tos_uri",
                               "policy_uri", "software_id", "software_version"}) {
    simdjson::dom::element el;
    if (obj[key].get(el) != simdjson::SUCCESS || el.is_null()) continue;
    std::string_view s;
    if (el.get_string().get(s) != simdjson::SUCCESS)
      return refuse("invalid_client_metadata", std::string(key) + " " + member_type_error);
    if (s.size() > (key == "client_name" ? k_max_name : k_max_uri))
      return refuse("invalid_client_metadata", std::string(key) + " is too long");
    if (key == "client_name") m.client_name = std::string(s);
    echo.key(key).value(s);
  }
  std::vector<std::string> contacts;
  if (!string_list("contacts", contacts))
    return refuse("invalid_client_metadata", std::string("contacts ") + member_type_error);
  if (!contacts.empty()) echo.key("contacts").string_array(contacts);

  echo.end_object();
  std::string members = std::move(echo).take();
  // `{...}` → `...`: the server adds client_id and friends beside these.
  m.echo_members = members.substr(1, members.size() - 2);
  out.metadata = std::move(m);
  return out;
}

}  // namespace parley::oauth
