#include "src/oauth/form_encoding.hpp"

#include <algorithm>

#include "src/util/url.hpp"

namespace parley::oauth {

namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') {
      c = ' ';
    } else if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (c == '\0') return std::nullopt;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::optional<std::string> form_params::get(std::string_view name) const {
  for (const auto& [k, v] : items_)
    if (k == name) return v;
  return std::nullopt;
}

std::string form_params::value_or_empty(std::string_view name) const {
  return get(name).value_or(std::string());
}

std::optional<std::string> form_params::first_repeated() const {
  for (std::size_t i = 0; i < items_.size(); ++i)
    for (std::size_t j = i + 1; j < items_.size(); ++j)
      if (items_[i].first == items_[j].first) return items_[i].first;
  return std::nullopt;
}

std::optional<form_params> parse_form(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> items;
  while (!text.empty()) {
    const auto amp = text.find('&');
    std::string_view piece = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (piece.empty()) continue;
    const auto eq = piece.find('=');
    auto name = decode(piece.substr(0, eq));
    auto value = decode(eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1));
    if (!name || !value) return std::nullopt;
    items.emplace_back(std::move(*name), std::move(*value));
  }
  return form_params(std::move(items));
}

std::optional<std::string> form_decode(std::string_view component) {
  return decode(component);
}

std::string form_encode(std::string_view value) {
  return url::percent_encode(value);
}

std::string append_query(std::string uri,
                         const std::vector<std::pair<std::string, std::string>>& params) {
  bool has_query = uri.find('?') != std::string::npos;
  for (const auto& [k, v] : params) {
    if (!has_query)
      uri += '?';
    else if (uri.back() != '?' && uri.back() != '&')
      uri += '&';
    has_query = true;
    uri += form_encode(k);
    uri += '=';
    uri += form_encode(v);
  }
  return uri;
}

}  // namespace parley::oauth
