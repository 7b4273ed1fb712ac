#include "backends/slack/scopes.hpp"

#include <algorithm>

namespace parley::slack {

bool has_scope(const std::string& scopes, std::string_view want) {
  std::size_t start = 0;
  while (start <= scopes.size()) {
    const auto end = std::min(scopes.find(',', start), scopes.size());
    if (std::string_view(scopes).substr(start, end - start) == want) return true;
    start = end + 1;
  }
  return false;
}

std::string missing_scopes(const std::string& scopes) {
  if (scopes.empty()) return {};
  std::string missing;
  const auto need = [&](bool ok, const char* what) {
    if (!ok) missing += (missing.empty() ? "" : ", ") + std::string(what);
  };
  need(has_scope(scopes, "chat:write"), "chat:write (to post)");
  need(has_scope(scopes, "channels:history") || has_scope(scopes, "groups:history"),
       "channels:history or groups:history (to read channels)");
  return missing;
}

}  // namespace parley::slack
