#include "src/config/base_url.hpp"

#include "src/util/url.hpp"

namespace parley::config {

std::optional<std::string> read_base_url(map_reader& r, std::string_view key) {
  auto u = r.string(key, false);
  if (!u) return std::nullopt;
  std::string s = *u;
  while (!s.empty() && s.back() == '/') s.pop_back();
  auto parsed = url::parse_http_url(s);
  if (!parsed || parsed->path.find_first_of("?#") != std::string::npos) {
    r.report(key, "expected an http(s) URL without query, got \"" + *u + "\"");
    return std::nullopt;
  }
  return s;
}

}  // namespace parley::config
