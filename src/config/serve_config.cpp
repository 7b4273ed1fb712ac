#include "src/config/serve_config.hpp"

#include <algorithm>

namespace parley {

namespace {

void apply(gateway_config& g, const serve_overrides& o, std::vector<config::problem>& problems) {
  if (o.listen) {
    if (parse_listen(*o.listen, g.listen_host, g.port))
      g.listen = *o.listen;
    else
      problems.push_back({"--listen", "expected HOST:PORT, got '" + *o.listen + "'"});
  }
  if (o.public_url && !o.public_url->empty()) {
    g.public_url = *o.public_url;
    while (!g.public_url.empty() && g.public_url.back() == '/') g.public_url.pop_back();
    g.public_url_given = true;
  }
}

bool has_profile(const gateway_config& g, const std::string& name) {
  return std::any_of(g.profiles.begin(), g.profiles.end(),
                     [&](const gateway_profile& p) { return p.name == name; });
}

std::string missing_profile(const std::string& name) {
  return "names profile '" + name + "', which does not exist" +
         (name == "default" ? " (give identity.handle and topics at the top level)" : "");
}

void check_tokens(gateway_config& g, const serve_overrides& o, bool oauth,
                  std::vector<config::problem>& problems) {
  for (std::size_t i = 0; i < g.tokens.size(); ++i)
    if (!has_profile(g, g.tokens[i].profile))
      problems.push_back({"gateway.tokens[" + std::to_string(i) + "].profile",
                          missing_profile(g.tokens[i].profile)});
  if (o.dev_token && !o.dev_token->empty()) {
    if (!has_profile(g, "default"))
      problems.push_back({"PARLEY_DEV_TOKEN", missing_profile("default")});
    g.tokens.push_back({token_digest(*o.dev_token), "default"});
  }
  if (g.tokens.empty() && !oauth)
    problems.push_back(
        {"gateway.tokens",
         "no credential would be accepted: list gateway.tokens ({sha256, profile}; "
         "`parley hash-token TOKEN` makes the hash), configure owners: for the OAuth front door, "
         "or set PARLEY_DEV_TOKEN for local use"});
}

}  // namespace

void prepare_serve_config(parley_config& cfg, const serve_overrides& overrides,
                          std::vector<config::problem>& problems) {
  auto& g = cfg.gateway;
  apply(g, overrides, problems);
  if (g.profiles.empty() && cfg.owners.empty())
    problems.push_back(
        {"gateway.profiles",
         "no session profile is defined: give identity.handle and topics at the top level "
         "(profile `default`) or gateway.profiles"});
  const bool oauth = cfg.auth.mode == "oidc" || !cfg.owners.empty();
  check_tokens(g, overrides, oauth, problems);
  if (exposes_nats_agents(cfg) && !cfg.nats_agent.enabled)
    problems.push_back(
        {"nats_agent",
         "a profile sets nats_agent.enabled but there is no top-level nats_agent block saying "
         "where NATS is (nats_agent: {servers: ...})"});
}

result<void> prepare_serve_config(parley_config& cfg, const serve_overrides& overrides,
                                  const std::string& config_path) {
  std::vector<config::problem> problems;
  prepare_serve_config(cfg, overrides, problems);
  if (problems.empty()) return {};
  // The layout of load_config's errors, so both read alike.
  std::string message = "invalid config " + config_path + ":";
  for (const auto& p : problems) message += "\n" + p.path + ": " + p.message;
  return fail(errc::invalid_config, std::move(message));
}

bool exposes_nats_agents(const parley_config& cfg) {
  bool any = std::any_of(cfg.gateway.profiles.begin(), cfg.gateway.profiles.end(),
                         [](const gateway_profile& p) { return p.nats_agent; });
  for (const auto& o : cfg.owners)
    for (const auto& p : o.profiles) any = any || p.nats_agent;
  return any;
}

}  // namespace parley
