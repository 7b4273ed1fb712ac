#include "actors/gateway/profile_catalog.hpp"

#include "src/util/log.hpp"

namespace parley {

namespace {

/// Patterns stay full-match over the client's names: `alice\.(?:<p>)`.
std::string prefixed_pattern(const std::string& prefix, const std::string& pattern) {
  std::string escaped;
  for (char c : prefix) {
    if (std::string_view(".^$|()[]{}*+?\\").find(c) != std::string_view::npos) escaped += '\\';
    escaped += c;
  }
  return escaped + "(?:" + pattern + ")";
}

std::shared_ptr<session_profile> make_profile(const gateway_profile& gp, const parley_config& cfg,
                                              const std::string& prefix, std::string& problem) {
  auto p = std::make_shared<session_profile>();
  p->handle = gp.handle;
  p->mention_filter = gp.mention_filter;
  p->echo_own_posts = gp.echo_own_posts;
  p->block_max_ms = cfg.catchup.block_max_ms;
  auto shown = topic_allowlist::make(gp.topics, gp.post_topics, cfg.presence.topic);
  if (!shown) {
    problem = shown.error().message;
    return nullptr;
  }
  if (prefix.empty()) {
    p->allow = std::move(*shown);
    return p;
  }
  std::vector<std::string> topics;
  for (const auto& t : gp.topics) topics.push_back(prefix + t);
  std::vector<std::string> patterns;
  for (const auto& pat : gp.post_topics) patterns.push_back(prefixed_pattern(prefix, pat));
  auto allow = topic_allowlist::make(topics, patterns, prefix + cfg.presence.topic);
  if (!allow) {
    problem = allow.error().message;
    return nullptr;
  }
  p->allow = std::move(*allow);
  p->shown_allow = std::move(*shown);
  p->topic_prefix = prefix;
  p->presence_topic = prefix + cfg.presence.topic;
  return p;
}

}  // namespace

profile_catalog::profile_catalog(const parley_config& cfg) : owners_(cfg.owners) {
  auto add = [&](const std::string& owner, const gateway_profile& gp, const std::string& prefix) {
    std::string problem;
    auto p = make_profile(gp, cfg, prefix, problem);
    if (!p) {
      log::error("gateway", "profile " + (owner.empty() ? "" : owner + "/") + gp.name + " left out: " + problem);
      return;
    }
    catalog_entry e{owner, gp.name, gp, p, p->presence_topic.empty() ? cfg.presence.topic : p->presence_topic};
    entries_[{owner, gp.name}] = std::move(e);
    order_[owner].push_back(gp.name);
  };
  for (const auto& gp : cfg.gateway.profiles) add("", gp, "");
  for (const auto& o : owners_)
    for (const auto& gp : o.profiles) add(o.name, gp, o.topic_namespace.empty() ? "" : o.topic_namespace + ".");
}

const catalog_entry* profile_catalog::find(const std::string& owner, const std::string& profile) const {
  auto it = entries_.find({owner, profile});
  return it == entries_.end() ? nullptr : &it->second;
}

const catalog_entry* profile_catalog::default_for(const std::string& owner) const {
  if (const auto* d = find(owner, "default")) return d;
  auto it = order_.find(owner);
  if (it == order_.end() || it->second.empty()) return nullptr;
  return find(owner, it->second.front());
}

const owner_config* profile_catalog::owner(const std::string& name) const { return find_owner(owners_, name); }

std::vector<std::string> profile_catalog::owner_names() const {
  std::vector<std::string> out;
  for (const auto& o : owners_) out.push_back(o.name);
  return out;
}

}  // namespace parley
