#include "src/nats_agent/collision.hpp"

#include <simdjson.h>

#include <vector>

namespace parley::nats_agent {

namespace {

std::vector<std::string_view> split_tokens(std::string_view s) {
  std::vector<std::string_view> out;
  while (true) {
    const auto dot = s.find('.');
    out.push_back(s.substr(0, dot));
    if (dot == std::string_view::npos) return out;
    s.remove_prefix(dot + 1);
  }
}

void add_if_ours(std::string_view subject, const identity& id, std::set<std::string>& taken) {
  const auto t = split_tokens(subject);
  if (t.empty() || t[0] != "agents") return;
  if (t.size() == 5 && (t[1] == "prompt" || t[1] == "status") && t[2] == id.agent &&
      t[3] == id.owner && !t[4].empty())
    taken.emplace(t[4]);
  else if (t.size() == 4 && t[1] == id.agent && t[2] == id.owner && !t[3].empty())
    taken.emplace(t[3]);
}

}  // namespace

void collect_taken_names(std::string_view info_json, const identity& id,
                         std::set<std::string>& taken) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(info_json.data(), info_json.size()).get(root)) return;
  std::string_view name;
  if (root["name"].get_string().get(name) || name != "agents") return;
  simdjson::dom::array endpoints;
  if (root["endpoints"].get_array().get(endpoints)) return;
  for (simdjson::dom::element ep : endpoints) {
    std::string_view subject;
    if (!ep["subject"].get_string().get(subject)) add_if_ours(subject, id, taken);
  }
}

std::string first_free_name(std::string_view base, const std::set<std::string>& taken) {
  std::string candidate(base);
  for (int n = 2; taken.count(candidate); ++n)
    candidate = std::string(base) + "-" + std::to_string(n);
  return candidate;
}

}  // namespace parley::nats_agent
