#include "src/nats_agent/identity.hpp"

#include <cstdlib>
#include <initializer_list>

#include "src/nats_agent/agent_config.hpp"
#include "src/nats_agent/tokens.hpp"

namespace parley::nats_agent {

namespace {

using env_value = identity_sources::env_value;

std::optional<env_value> first_set(const env_lookup& env,
                                   std::initializer_list<const char*> names) {
  for (const char* name : names) {
    auto v = env(name);
    if (v && !v->empty()) return env_value{std::string("$") + name, std::move(*v)};
  }
  return std::nullopt;
}

std::string basename_of(std::string_view path) {
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  const auto slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

/// One explicit candidate: its value (if any) and what to call it in errors.
struct candidate {
  std::optional<std::string> value;
  std::string what;
};

candidate from_env(const std::optional<env_value>& v) {
  if (!v) return {};
  return {v->value, v->variable};
}

/// The first non-empty explicit candidate, validated; else the derived value
/// sanitized; else the fallback.
result<std::string> pick(std::initializer_list<candidate> explicit_candidates,
                         std::string_view derived, const char* fallback) {
  for (const auto& c : explicit_candidates) {
    if (!c.value || c.value->empty()) continue;
    auto ok = validate_token(*c.value, c.what);
    if (!ok) return ok.error();
    return *c.value;
  }
  std::string token = sanitize_token(derived);
  if (token.empty()) token = fallback;
  return token;
}

}  // namespace

env_lookup process_environment() {
  return [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read at start-up
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

identity_sources stdio_identity_sources(const agent_config& cfg, std::string_view cwd,
                                        const env_lookup& env) {
  identity_sources s;
  s.config_agent = cfg.agent;
  s.config_owner = cfg.owner;
  s.config_session = cfg.session;
  s.env_owner = first_set(env, {"SYNADIA_PARLEY_OWNER", "SYNADIA_OWNER"});
  s.env_session =
      first_set(env, {"SYNADIA_PARLEY_NAME", "SYNADIA_NAME", "SESH_SESSION", "NATS_SESSION_NAME"});
  if (auto user = env("USER")) s.user = *user;
  s.session_basis = basename_of(cwd);
  return s;
}

result<identity> resolve_identity(const identity_sources& s) {
  auto agent = pick({{s.config_agent, "nats_agent.agent"}}, "", "parley");
  if (!agent) return agent.error();
  auto owner =
      pick({from_env(s.env_owner), {s.config_owner, "nats_agent.owner"}}, s.user, "unknown");
  if (!owner) return owner.error();
  auto session = pick({from_env(s.env_session), {s.config_session, "nats_agent.session"}},
                      s.session_basis, "default");
  if (!session) return session.error();
  identity id;
  id.agent = std::move(*agent);
  id.owner = std::move(*owner);
  id.session = std::move(*session);
  return id;
}

}  // namespace parley::nats_agent
