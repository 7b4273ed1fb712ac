#pragma once

// Every session profile a gateway can run, built once at startup: the
// single-tenant profiles of `gateway.profiles` (owner "") and each owner's
// (docs/features.md, "Owners and the OAuth front door"), with the owner's topic namespace applied
// to what the backend and the router see.

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "src/config/parley_config.hpp"
#include "actors/messages.hpp"

namespace parley {

struct catalog_entry {
  /// "" for gateway.profiles.
  std::string owner;
  std::string name;
  gateway_profile config;
  std::shared_ptr<const session_profile> profile;
  /// The owner's presence topic (namespaced), or the shared one.
  std::string presence_topic;
};

class profile_catalog {
 public:
  /// Problems (a profile whose allowlist cannot be built) are logged and the
  /// profile left out.
  explicit profile_catalog(const parley_config& cfg);

  [[nodiscard]] const catalog_entry* find(const std::string& owner, const std::string& profile) const;
  /// The owner's `default` profile, else its first (for OIDC tokens, which
  /// name no profile).
  [[nodiscard]] const catalog_entry* default_for(const std::string& owner) const;
  [[nodiscard]] const std::vector<owner_config>& owners() const { return owners_; }
  [[nodiscard]] const owner_config* owner(const std::string& name) const;
  [[nodiscard]] std::vector<std::string> owner_names() const;

 private:
  std::vector<owner_config> owners_;
  std::map<std::pair<std::string, std::string>, catalog_entry> entries_;
  std::map<std::string, std::vector<std::string>> order_;  // profile names per owner, config order
};

}  // namespace parley
