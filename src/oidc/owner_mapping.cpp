#include "src/oidc/owner_mapping.hpp"

#include <algorithm>

namespace parley::oidc {

std::optional<std::string> owner_for(const verified_token& token,
                                     const std::vector<std::string>& owner_names) {
  auto named = [&](const std::string& name) -> std::optional<std::string> {
    if (name.empty()) return std::nullopt;
    if (std::find(owner_names.begin(), owner_names.end(), name) == owner_names.end())
      return std::nullopt;
    return name;
  };
  if (token.username)
    if (auto o = named(*token.username)) return o;
  return named(token.subject);
}

}  // namespace parley::oidc
