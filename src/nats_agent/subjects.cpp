#include "src/nats_agent/subjects.hpp"

#include <array>

namespace parley::nats_agent {

namespace {

std::string verb_subject(std::string_view verb, const identity& id) {
  std::string s = "agents.";
  s.append(verb).append(".").append(id.agent).append(".").append(id.owner).append(".");
  s.append(id.session);
  return s;
}

}  // namespace

std::string prompt_subject(const identity& id) {
  return verb_subject("prompt", id);
}
std::string status_subject(const identity& id) {
  return verb_subject("status", id);
}
std::string heartbeat_subject(const identity& id) {
  return verb_subject("hb", id);
}

std::string legacy_prompt_subject(const identity& id) {
  return "agents." + id.agent + "." + id.owner + "." + id.session;
}

std::string legacy_heartbeat_subject(const identity& id) {
  return legacy_prompt_subject(id) + ".heartbeat";
}

std::string control_subject(std::string_view owner) {
  std::string s = "agents.";
  s.append(control_token).append(".").append(owner);
  return s;
}

std::string_view instance_name_of(std::string_view subject) noexcept {
  std::array<std::string_view, 5> tokens;
  std::size_t n = 0;
  while (true) {
    const auto dot = subject.find('.');
    if (n == tokens.size()) return {};
    tokens[n++] = subject.substr(0, dot);
    if (dot == std::string_view::npos) break;
    subject.remove_prefix(dot + 1);
  }
  if (n != 5 || tokens[0] != "agents" || tokens[1] != "prompt") return {};
  for (auto t : tokens)
    if (t.empty()) return {};
  return tokens[4];
}

}  // namespace parley::nats_agent
