#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "src/config/value.hpp"
#include "src/config/gateway_config.hpp"

namespace parley {

/// One owner of a multi-owner gateway (`owners.<name>`, docs/features.md, "Owners and the OAuth
/// front door"): a person who signs in on the OAuth consent page and whose sessions see only their
/// own profiles and topics.
struct owner_config {
  /// The map key; `[A-Za-z0-9_-]+`, what the owner types on the consent page.
  std::string name;
  /// `scrypt$<salt>$<hash>` of the login secret (`parley hash-secret`).
  std::string secret_hash;
  /// Who the owner's sessions can be; the consent page picks one by name.
  std::vector<gateway_profile> profiles;
  /// `namespace`: prefixed to the owner's backend topic names, so owners
  /// sharing one backend cannot read or post in each other's topics. Empty:
  /// no prefix (a single-owner gateway).
  std::string topic_namespace;
  /// Concurrent MCP sessions this owner may hold.
  std::int64_t max_sessions = 100;
  /// MCP requests per minute across the owner's sessions.
  std::int64_t rate_per_min = 600;
};

/// Reads the top-level `owners:` map (absent: none). A profile is written
/// like a gateway.profiles entry (`identity: {handle}`, `live_push:
/// {enabled, mention_filter, echo_own_posts}`, `presence: {enabled}`), or
/// flat: `handle`, `live_push: BOOL`, `mention_filter`, `echo_own_posts`,
/// `presence: BOOL`. Problems carry `owners.<name>.<key>` paths.
[[nodiscard]] std::vector<owner_config> parse_owners_config(const config::value& v,
                                                            const std::string& presence_topic,
                                                            std::vector<config::problem>& problems);

/// The owner called `name`, or nullptr.
[[nodiscard]] const owner_config* find_owner(const std::vector<owner_config>& owners,
                                             std::string_view name);

/// The owner's profile called `name`, or nullptr.
[[nodiscard]] const gateway_profile* find_profile(const owner_config& owner, std::string_view name);

}  // namespace parley
