#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "src/error/result.hpp"

namespace parley {

/// Which topics one session may touch (docs/parley-behavior.md, "Topic allowlist"). Enforced by the
/// router for every tool call, never trusted to the client.
///
/// - explicit `topics`: subscribed, caught up, advertised in presence, and
///   usable by every tool;
/// - `post_topics` patterns: full-match (`^(?:src)$`, ECMAScript syntax,
///   case-sensitive) topics that may additionally be posted to, replied in
///   and fetched — never subscribed;
/// - the presence topic is reserved: no tool may post to or fetch it, even
///   when a pattern such as `.*` would match.
class topic_allowlist {
 public:
  /// Compiles the patterns. Errors (errc::invalid_config): a pattern that
  /// does not compile (`post_topics[<i>]: invalid regex: <reason>`), or an
  /// explicit topic equal to the reserved one.
  [[nodiscard]] static result<topic_allowlist> make(std::vector<std::string> topics,
                                                    std::vector<std::string> post_patterns,
                                                    std::string reserved_topic);

  topic_allowlist();
  ~topic_allowlist();
  topic_allowlist(topic_allowlist&&) noexcept;
  topic_allowlist& operator=(topic_allowlist&&) noexcept;
  topic_allowlist(const topic_allowlist&);
  topic_allowlist& operator=(const topic_allowlist&);

  /// May a tool use this topic? False for the reserved topic, true for an
  /// explicit topic, else true iff a pattern fully matches.
  [[nodiscard]] bool allows(std::string_view topic) const;
  /// Is it one of the explicit topics?
  [[nodiscard]] bool is_explicit(std::string_view topic) const;
  /// Does any post pattern fully match (ignoring the reserved rule)?
  [[nodiscard]] bool pattern_matches(std::string_view topic) const;

  [[nodiscard]] const std::vector<std::string>& topics() const noexcept { return topics_; }
  [[nodiscard]] const std::vector<std::string>& post_patterns() const noexcept { return patterns_; }
  [[nodiscard]] const std::string& reserved_topic() const noexcept { return reserved_; }

 private:
  struct compiled;
  std::vector<std::string> topics_;
  std::vector<std::string> patterns_;
  std::string reserved_;
  std::shared_ptr<const compiled> compiled_;
};

}  // namespace parley
