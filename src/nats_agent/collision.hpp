#pragma once

#include <set>
#include <string>
#include <string_view>

#include "src/nats_agent/identity.hpp"

/// Instance-name collisions (docs/nats-agent-protocol.md, "Name collisions"). At start-up the actor
/// sends one `$SRV.INFO.agents` request, collects every reply (≈1 s, up to 50),
/// feeds each to collect_taken_names, adds the names its own other sessions
/// hold, and asks first_free_name for the name to register. Best effort: two
/// agents starting at once can still pick the same name; they then share the
/// subject and the queue group balances between them (legal: docs/nats-agent-protocol.md, "Name
/// collisions").
namespace parley::nats_agent {

/// Adds to `taken` every instance name that one `$SRV.INFO` reply occupies
/// for `id.agent` and `id.owner`: the last token of each endpoint subject of
/// the form `agents.{prompt|status}.<agent>.<owner>.<name>`, and of the v0.2
/// form `agents.<agent>.<owner>.<name>`. A reply that is not JSON, not a
/// service named `agents`, or has no endpoints adds nothing.
void collect_taken_names(std::string_view info_json, const identity& id,
                         std::set<std::string>& taken);

/// `base` when free, else the first free of `base-2`, `base-3`, …. Always
/// terminates: `taken` is finite.
[[nodiscard]] std::string first_free_name(std::string_view base,
                                          const std::set<std::string>& taken);

}  // namespace parley::nats_agent
