#pragma once

// What `parley serve` needs of a config beyond its being valid: a stdio
// config needs no gateway profile and no credential, a gateway does. Checked
// once the command line and the environment are applied, before anything
// starts, and reported like every other config problem.

#include <optional>
#include <string>
#include <vector>

#include "src/config/parley_config.hpp"
#include "src/config/value.hpp"
#include "src/error/result.hpp"

namespace parley {

/// What `parley serve` takes from outside its config file.
struct serve_overrides {
  /// `--listen HOST:PORT`: replaces gateway.listen.
  std::optional<std::string> listen;
  /// PARLEY_PUBLIC_URL (alias PARLEY_ISSUER_URL): replaces
  /// gateway.public_url, since deployments set it per environment.
  std::optional<std::string> public_url;
  /// PARLEY_DEV_TOKEN: one more token, for the `default` profile.
  std::optional<std::string> dev_token;
};

/// Applies the overrides to `cfg` and records what keeps it from serving:
/// no session profile at all, no credential that could be accepted, a token
/// naming a profile that does not exist, a profile exposed on NATS without
/// the top-level `nats_agent:` block.
void prepare_serve_config(parley_config& cfg, const serve_overrides& overrides,
                          std::vector<config::problem>& problems);

/// The same, failing with errc::invalid_config that lists the problems under
/// "invalid config <config_path>:", as load_config does.
[[nodiscard]] result<void> prepare_serve_config(parley_config& cfg,
                                                const serve_overrides& overrides,
                                                const std::string& config_path);

/// Whether any profile (gateway.profiles or an owner's) exposes its
/// sessions as NATS agents.
[[nodiscard]] bool exposes_nats_agents(const parley_config& cfg);

}  // namespace parley
