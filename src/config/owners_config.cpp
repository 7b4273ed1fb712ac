#include "src/config/owners_config.hpp"

#include <algorithm>

#include "src/oauth/secret_hash.hpp"

namespace parley {

namespace {

using config::map_reader;
using config::value;

bool is_name(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

/// Rewrites the flat profile spelling into the gateway.profiles one, so one
/// parser (parse_gateway_profile) checks both. Returns whether `handle` was
/// flat, for naming it in problems as the user wrote it.
bool unflatten(value& p) {
  if (!p.is_map()) return false;
  value out = value::map();
  value identity;
  value live_push;
  value presence;
  bool flat_handle = false;
  for (const auto& [k, v] : p.entries()) {
    if (k == "handle") {
      identity.set("handle", v);
      flat_handle = true;
    } else if (k == "identity" && v.is_map()) {
      for (const auto& [ik, iv] : v.entries()) identity.set(ik, iv);
    } else if (k == "live_push" && v.is_scalar()) {
      live_push.set("enabled", v);
    } else if (k == "live_push" && v.is_map()) {
      for (const auto& [lk, lv] : v.entries()) live_push.set(lk, lv);
    } else if (k == "mention_filter" || k == "echo_own_posts") {
      live_push.set(k, v);
    } else if (k == "presence" && v.is_scalar()) {
      presence.set("enabled", v);
    } else {
      out.set(k, v);
    }
  }
  if (!identity.is_null()) out.set("identity", identity);
  if (!live_push.is_null()) out.set("live_push", live_push);
  if (!presence.is_null()) out.set("presence", presence);
  if (!p.find("identity")) flat_handle = true;  // neither given: call it `handle`
  p = std::move(out);
  return flat_handle;
}

owner_config parse_owner(const std::string& name, const value& v, const std::string& presence_topic,
                         std::vector<config::problem>& problems) {
  const std::string path = "owners." + name;
  owner_config o;
  o.name = name;
  if (!is_name(name))
    problems.push_back({path, "owner names are 1-64 characters of A-Z a-z 0-9 _ -"});
  map_reader r(v, path, problems);
  if (auto h = r.string("secret_hash", false)) {
    if (oauth::is_secret_hash(*h))
      o.secret_hash = *h;
    else
      r.report(
          "secret_hash",
          "must be scrypt$<base64 salt>$<base64 hash> (make one with `parley hash-secret SECRET`)");
  } else if (v.is_map() && (!v.find("secret_hash") || v.find("secret_hash")->is_null())) {
    r.report("secret_hash", "is required (make one with `parley hash-secret SECRET`)");
  }
  if (const value* ns = r.get("namespace"); ns && !ns->is_null()) {
    if (auto s = r.string("namespace", false)) {
      if (is_name(*s))
        o.topic_namespace = *s;
      else
        r.report("namespace", "must be 1-64 characters of A-Z a-z 0-9 _ -");
    }
  }
  if (auto n = r.integer("max_sessions", 1, 10'000'000)) o.max_sessions = *n;
  if (auto n = r.integer("rate_per_min", 1, 10'000'000)) o.rate_per_min = *n;

  const value* profiles = r.get("profiles");
  if (profiles && profiles->is_map() && !profiles->entries().empty()) {
    for (const auto& [pname, pv] : profiles->entries()) {
      const std::string ppath = r.path_of("profiles") + "." + pname;
      if (pname.empty()) {
        problems.push_back({ppath, "profile names must not be empty"});
        continue;
      }
      value normalized = pv;
      const bool flat = unflatten(normalized);
      const std::size_t first = problems.size();
      o.profiles.push_back(
          parse_gateway_profile(pname, normalized, ppath, presence_topic, problems));
      if (flat)
        for (std::size_t i = first; i < problems.size(); ++i)
          if (problems[i].path == ppath + ".identity.handle") problems[i].path = ppath + ".handle";
    }
  } else if (v.is_map()) {
    r.report("profiles",
             "is required: a mapping of profile names to {handle, topics, ...}, at least one");
  }
  r.finish();
  return o;
}

}  // namespace

std::vector<owner_config> parse_owners_config(const value& v, const std::string& presence_topic,
                                              std::vector<config::problem>& problems) {
  std::vector<owner_config> owners;
  if (v.is_null()) return owners;
  if (!v.is_map()) {
    problems.push_back(
        {"owners", "expected a mapping of owner names to {secret_hash, profiles, ...}"});
    return owners;
  }
  for (const auto& [name, ov] : v.entries())
    owners.push_back(parse_owner(name, ov, presence_topic, problems));
  return owners;
}

const owner_config* find_owner(const std::vector<owner_config>& owners, std::string_view name) {
  for (const auto& o : owners)
    if (o.name == name) return &o;
  return nullptr;
}

const gateway_profile* find_profile(const owner_config& owner, std::string_view name) {
  for (const auto& p : owner.profiles)
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace parley
