#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "src/model/allowlist.hpp"
#include "src/model/message.hpp"

namespace parley::presence {

/// One entry of `parley_list_users`.
struct peer {
  std::string handle;
  bool online = false;
  std::vector<std::string> topics;
  std::vector<std::string> post_topics;
  std::int64_t last_seen_ms = 0;

  [[nodiscard]] friend bool operator==(const peer&, const peer&) = default;
};

struct roster_options {
  std::int64_t ttl_ms = 1'800'000;
  /// Offline peers last seen this long ago or longer are dropped.
  std::int64_t since_ms = 86'400'000;
};

/// The roster from presence-topic messages in ascending cursor order
/// (docs/parley-behavior.md, "Roster"): grouped by sender handle then instance id, last
/// record per instance wins, live = not goodbye and younger than ttl; sorted
/// by last_seen_ms descending, ties by handle ascending.
[[nodiscard]] std::vector<peer> compute_roster(const std::vector<message>& ascending,
                                               std::int64_t now_ms, const roster_options& opts);

/// docs/parley-behavior.md, "Reachability filter": scoped (a topic given) keeps peers subscribed to
/// it or whose safe pattern fully matches it; unscoped keeps peers with a topic `mine` allows,
/// or with a safe pattern fully matching one of my explicit topics.
[[nodiscard]] std::vector<peer> filter_reachable(std::vector<peer> peers,
                                                 const topic_allowlist& mine,
                                                 const std::optional<std::string>& scope);

/// The structural ReDoS screen for untrusted peer patterns (docs/parley-behavior.md, "Reachability
/// filter"): false for patterns over 512 characters, quantified groups whose body holds a
/// quantifier or alternation and may repeat twice or more, or more than 4
/// unbounded quantifiers in total. Also false for more than 65,536 estimated
/// backtracking paths (a `.?` chain has no nested group), a quantifier on a
/// quantifier (`a*+`: std::regex accepts it and backtracks exponentially),
/// counted repeats that unroll past ~1,000 NFA states, and anything
/// unbalanced.
[[nodiscard]] bool peer_pattern_is_safe(std::string_view source);

/// Full match of an untrusted peer pattern against at most the first 64
/// characters of `input`; false if unsafe or not compilable.
[[nodiscard]] bool peer_pattern_matches(std::string_view source, std::string_view input);

}  // namespace parley::presence
