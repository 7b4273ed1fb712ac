#include "src/http_client/http_message.hpp"

#include <algorithm>
#include <cctype>

namespace parley::http {

namespace {

bool same_name(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

}  // namespace

std::optional<std::string_view> find_header(const header_list& headers,
                                            std::string_view name) noexcept {
  for (const auto& [n, v] : headers)
    if (same_name(n, name)) return std::string_view(v);
  return std::nullopt;
}

}  // namespace parley::http
