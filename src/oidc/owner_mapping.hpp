#pragma once

#include <optional>
#include <string>
#include <vector>

#include "src/oidc/token_verifier.hpp"

namespace parley::oidc {

/// The owner a verified token acts as, for a gateway hosting several
/// `owners:` in OIDC mode: the owner whose name equals the token's
/// `preferred_username`, else the one whose name equals its `sub`. The
/// username is preferred because it is what an operator types into config;
/// `sub` is the fallback for IdPs that send no username. No owners
/// configured, or no match: nullopt, and the gateway answers 401
/// `token does not satisfy this server access policy` (rejection::access_policy).
[[nodiscard]] std::optional<std::string> owner_for(const verified_token& token,
                                                   const std::vector<std::string>& owner_names);

}  // namespace parley::oidc
