#include "actors/gateway/credentials.hpp"

#include "src/config/gateway_config.hpp"

namespace parley {

std::optional<principal> static_token_source::authenticate(const http::request& req,
                                                           std::optional<auth_refusal>&) const {
  const auto* auth = req.find("authorization");
  if (!auth || auth->size() <= 7) return std::nullopt;
  if (auth->rfind("Bearer ", 0) != 0 && auth->rfind("bearer ", 0) != 0) return std::nullopt;
  const std::string digest = token_digest(auth->substr(7));
  auto it = profiles_.find(digest);
  if (it == profiles_.end()) return std::nullopt;
  return principal{it->second.second, digest, it->second.first, {}};
}

}  // namespace parley
