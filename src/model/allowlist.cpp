#include "src/model/allowlist.hpp"

#include <algorithm>
#include <exception>
#include <regex>

#include "src/json/writer.hpp"
#include "src/util/utf8.hpp"

namespace parley {

namespace {

/// Longest topic (in UTF-16 code units, JavaScript's `length`) a post pattern
/// is matched against; longer topics are allowed only when listed explicitly.
/// libstdc++'s std::regex recurses once per input character and overflows an
/// 8 MiB stack near 50,000 characters, and the topic comes from a tool call, so
/// the input has to be bounded. 64 is the bound the original later adopted.
constexpr std::size_t max_pattern_input_units = 64;

/// Length of a `*`, `+`, `?` or `{n}` / `{n,}` / `{n,m}` quantifier at `i`, or 0.
std::size_t quantifier_length(std::string_view src, std::size_t i) noexcept {
  const char c = src[i];
  if (c == '*' || c == '+' || c == '?') return 1;
  if (c != '{') return 0;
  std::size_t j = i + 1;
  const std::size_t digits_from = j;
  while (j < src.size() && src[j] >= '0' && src[j] <= '9') ++j;
  if (j == digits_from) return 0;
  if (j < src.size() && src[j] == ',') {
    ++j;
    while (j < src.size() && src[j] >= '0' && src[j] <= '9') ++j;
  }
  if (j < src.size() && src[j] == '}') return j + 1 - i;
  return 0;
}

/// JavaScript refuses a quantifier applied to a quantifier ("nothing to
/// repeat"); libstdc++ accepts `a*+` as `(?:a*)+` and then backtracks
/// exponentially, so a typo in a pattern would let any caller wedge the bridge.
/// Only a single lazy `?` may follow a quantifier.
bool has_stacked_quantifier(std::string_view src) noexcept {
  bool after_quantifier = false;
  bool lazy = false;
  for (std::size_t i = 0; i < src.size();) {
    const char c = src[i];
    if (c == '\\') {
      i += 2;
      after_quantifier = false;
      continue;
    }
    if (c == '[') {
      // A class is one atom whatever it holds; `]` right after `[` or `[^`
      // closes it (JavaScript's rule, which libstdc++ follows too).
      ++i;
      if (i < src.size() && src[i] == '^') ++i;
      while (i < src.size() && src[i] != ']') i += src[i] == '\\' ? 2 : 1;
      ++i;
      after_quantifier = false;
      continue;
    }
    if (const std::size_t len = quantifier_length(src, i); len > 0) {
      if (after_quantifier) {
        if (c != '?' || lazy) return true;
        lazy = true;
        ++i;
        continue;
      }
      // `(?:` and friends: this `?` opens a group prefix, not a quantifier.
      after_quantifier = !(c == '?' && i > 0 && src[i - 1] == '(');
      lazy = false;
      i += len;
      continue;
    }
    after_quantifier = false;
    ++i;
  }
  return false;
}

std::string pattern_error(std::size_t index, std::string_view reason) {
  std::string msg = "post_topics[" + std::to_string(index) + "]: invalid regex: ";
  msg.append(reason);
  return msg;
}

}  // namespace

struct topic_allowlist::compiled {
  /// One full-match (`^(?:src)$`) regex per post pattern, in config order.
  std::vector<std::wregex> patterns;
};

result<topic_allowlist> topic_allowlist::make(std::vector<std::string> topics,
                                              std::vector<std::string> post_patterns,
                                              std::string reserved_topic) {
  // Same order as the original's config validation: patterns, then topics.
  auto done = std::make_shared<compiled>();
  done->patterns.reserve(post_patterns.size());
  for (std::size_t i = 0; i < post_patterns.size(); ++i) {
    // std::wregex (UTF-32 on Linux) matches per code point, which equals
    // JavaScript's per-UTF-16-unit matching everywhere outside the astral planes.
    const std::wstring src = utf8::to_wstring(post_patterns[i]);
    try {
      // Compile the source alone first, as the original's `new RegExp(src)`
      // did: the error text is about what the operator wrote, and an
      // unbalanced source is refused instead of re-associating with the
      // wrapper's parentheses.
      std::wregex alone(src, std::regex_constants::ECMAScript);
      if (has_stacked_quantifier(post_patterns[i])) {
        return fail(errc::invalid_config, pattern_error(i, "nothing to repeat"));
      }
      done->patterns.emplace_back(L"^(?:" + src + L")$", std::regex_constants::ECMAScript);
    } catch (const std::regex_error& e) {
      return fail(errc::invalid_config, pattern_error(i, e.what()));
    }
  }

  std::vector<std::string> unique;
  unique.reserve(topics.size());
  for (auto& t : topics) {
    if (t == reserved_topic) {
      std::string msg;
      json::append_quoted(msg, reserved_topic);
      msg +=
          " is reserved for presence (presence.topic); rename the topic or change presence.topic";
      return fail(errc::invalid_config, std::move(msg));
    }
    // The original keeps explicit topics in a Set: a repeat would otherwise be
    // subscribed and caught up twice.
    if (std::find(unique.begin(), unique.end(), t) == unique.end()) unique.push_back(std::move(t));
  }

  topic_allowlist out;
  out.topics_ = std::move(unique);
  out.patterns_ = std::move(post_patterns);
  out.reserved_ = std::move(reserved_topic);
  out.compiled_ = std::move(done);
  return out;
}

topic_allowlist::topic_allowlist() = default;
topic_allowlist::~topic_allowlist() = default;
topic_allowlist::topic_allowlist(topic_allowlist&&) noexcept = default;
topic_allowlist& topic_allowlist::operator=(topic_allowlist&&) noexcept = default;
// Copies share the compiled regexes: they are immutable, and const matching on
// one std::basic_regex from several threads is safe.
topic_allowlist::topic_allowlist(const topic_allowlist&) = default;
topic_allowlist& topic_allowlist::operator=(const topic_allowlist&) = default;

bool topic_allowlist::allows(std::string_view topic) const {
  // The reserved check comes first so that no pattern, however broad, can
  // open the presence topic to a tool (a peer could spoof the roster).
  if (topic == reserved_) return false;
  if (is_explicit(topic)) return true;
  return pattern_matches(topic);
}

bool topic_allowlist::is_explicit(std::string_view topic) const {
  return std::find(topics_.begin(), topics_.end(), topic) != topics_.end();
}

bool topic_allowlist::pattern_matches(std::string_view topic) const {
  if (!compiled_ || compiled_->patterns.empty()) return false;
  if (utf8::utf16_length(topic) > max_pattern_input_units) return false;
  try {
    const std::wstring input = utf8::to_wstring(topic);
    return std::any_of(compiled_->patterns.begin(), compiled_->patterns.end(),
                       [&](const std::wregex& re) { return std::regex_match(input, re); });
  } catch (const std::exception&) {
    // Out of memory or an engine complexity error: refusing is the safe answer.
    return false;
  }
}

}  // namespace parley
