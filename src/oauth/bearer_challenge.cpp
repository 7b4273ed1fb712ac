#include "src/oauth/bearer_challenge.hpp"

#include <cctype>

#include "src/json/writer.hpp"
#include "src/oauth/metadata.hpp"

namespace parley::oauth {

namespace {

std::string header_safe(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f || c == '"' || c == '\\')
      out.push_back('?');
    else
      out.push_back(c);
  }
  return out;
}

}  // namespace

std::optional<std::string> bearer_token(std::string_view header) {
  while (!header.empty() && (header.front() == ' ' || header.front() == '\t'))
    header.remove_prefix(1);
  while (!header.empty() && (header.back() == ' ' || header.back() == '\t'))
    header.remove_suffix(1);
  constexpr std::string_view scheme = "bearer";
  if (header.size() <= scheme.size() + 1) return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(header[i])) != scheme[i]) return std::nullopt;
  if (header[scheme.size()] != ' ') return std::nullopt;
  std::string_view token = header.substr(scheme.size() + 1);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  if (token.empty() || token.find_first_of(" \t,") != std::string_view::npos) return std::nullopt;
  return std::string(token);
}

std::string invalid_token_challenge(std::string_view public_url, std::string_view description) {
  return "Bearer error=\"invalid_token\", error_description=\"" + header_safe(description) +
         "\", scope=\"" + std::string(k_scope_mcp) + "\", resource_metadata=\"" +
         resource_metadata_uri(public_url) + "\"";
}

std::string insufficient_scope_challenge(std::string_view public_url, std::string_view scope,
                                         std::string_view description) {
  return "Bearer error=\"insufficient_scope\", error_description=\"" + header_safe(description) +
         "\", scope=\"" + header_safe(scope) + "\", resource_metadata=\"" +
         resource_metadata_uri(public_url) + "\"";
}

std::string bearer_error_body(std::string_view error, std::string_view description) {
  json::writer w;
  w.begin_object()
      .key("error")
      .value(error)
      .key("error_description")
      .value(description)
      .end_object();
  return std::move(w).take();
}

}  // namespace parley::oauth
