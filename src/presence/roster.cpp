#include "src/presence/roster.hpp"

#include <algorithm>
#include <exception>
#include <limits>
#include <regex>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "src/presence/presence_record.hpp"
#include "src/util/utf8.hpp"

namespace parley::presence {

namespace {

/// Longest untrusted peer pattern compiled, in UTF-16 code units.
constexpr std::size_t max_peer_pattern_units = 512;
/// Longest input a peer pattern sees. Our topic names are short; the clamp
/// caps what even a screened pattern can cost, and the ambiguity budget below
/// is calibrated against it.
constexpr std::size_t max_match_input_units = 64;

/// The structural screen's limits. Backtracking paths multiply: each
/// unbounded quantifier is charged 16 (so four of them exhaust the budget and
/// a fifth is refused, the "more than 4" rule of docs/parley-behavior.md "Reachability filter"), an
/// optional atom 2, a counted range its width (up to 16), an alternation its branch count. With
/// libstdc++ the worst accepted source costs about 10 ms against 64 characters
/// (70 ms unoptimized).
constexpr std::uint64_t max_ambiguity = 65'536;
constexpr std::uint64_t unbounded_cost = 16;
/// libstdc++ compiles `x{n}` into n copies of `x`, and copies of empty groups
/// cost quadratic time to build (`(?:){30000}`, eleven characters, takes
/// seconds). Bound the estimated unrolled size; real topic patterns are tiny.
constexpr std::uint64_t max_unrolled_size = 1'000;
/// Saturation point for the screen's arithmetic; far above every limit.
constexpr std::uint64_t saturated = std::uint64_t{1} << 40;

/// JavaScript's `<` on strings: UTF-16 code-unit order. It differs from
/// UTF-8 byte order only in putting astral characters (surrogate pairs,
/// 0xD800..) before U+E000..U+FFFF; shifting that range above U+10FFFF makes
/// a code-point comparison agree without converting the strings.
bool utf16_less(std::string_view a, std::string_view b) noexcept {
  auto key = [](char32_t cp) -> std::uint32_t {
    return cp >= 0xE000 && cp <= 0xFFFF ? cp + 0x110000 : cp;
  };
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    const std::uint32_t ka = key(utf8::next_code_point(a, i));
    const std::uint32_t kb = key(utf8::next_code_point(b, j));
    if (ka != kb) return ka < kb;
  }
  if (i < a.size() || j < b.size()) return j < b.size();
  // Equal as JavaScript strings only when invalid bytes both became U+FFFD;
  // order by bytes then so that the sort stays deterministic.
  return a < b;
}

/// `now - at`, saturated instead of overflowing.
std::int64_t elapsed(std::int64_t now, std::int64_t at) noexcept {
  std::int64_t d = 0;
  if (__builtin_sub_overflow(now, at, &d)) {
    return now < at ? std::numeric_limits<std::int64_t>::min()
                    : std::numeric_limits<std::int64_t>::max();
  }
  return d;
}

std::uint64_t add_sat(std::uint64_t a, std::uint64_t b) noexcept {
  return std::min(a + b, saturated);  // both operands are at most `saturated`
}

std::uint64_t mul_sat(std::uint64_t a, std::uint64_t b) noexcept {
  if (a != 0 && b > saturated / a) return saturated;
  return std::min(a * b, saturated);
}

/// One quantifier token: `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}` or `{,m}`.
struct repetition {
  std::uint64_t min = 0;
  std::uint64_t max = 0;  // meaningless when unbounded
  bool unbounded = false;
  std::size_t length = 0;
};

std::optional<repetition> read_repetition(std::string_view src, std::size_t i) noexcept {
  switch (src[i]) {
    case '*':
      return repetition{0, 0, true, 1};
    case '+':
      return repetition{1, 0, true, 1};
    case '?':
      return repetition{0, 1, false, 1};
    case '{':
      break;
    default:
      return std::nullopt;
  }
  std::size_t j = i + 1;
  auto digits = [&](std::uint64_t& out) {
    bool any = false;
    for (; j < src.size() && src[j] >= '0' && src[j] <= '9'; ++j) {
      out = std::min(out * 10 + static_cast<std::uint64_t>(src[j] - '0'), saturated);
      any = true;
    }
    return any;
  };
  repetition rep;
  const bool has_min = digits(rep.min);
  bool comma = false;
  bool has_max = false;
  if (j < src.size() && src[j] == ',') {
    comma = true;
    ++j;
    has_max = digits(rep.max);
  }
  if (j >= src.size() || src[j] != '}') return std::nullopt;
  if (!has_min && !comma) return std::nullopt;  // `{}` is a literal brace
  if (!comma) rep.max = rep.min;
  rep.unbounded = comma && !has_max;
  rep.length = j + 1 - i;
  return rep;
}

/// Length of a group prefix (`?:`, `?=`, `?!`, `?<=`, `?<!`, `?<name>`) at `i`.
std::size_t group_prefix_length(std::string_view src, std::size_t i) noexcept {
  if (i >= src.size() || src[i] != '?' || i + 1 >= src.size()) return 0;
  const char c = src[i + 1];
  if (c == ':' || c == '=' || c == '!') return 2;
  if (c != '<' || i + 2 >= src.size()) return 0;
  if (src[i + 2] == '=' || src[i + 2] == '!') return 3;
  const std::size_t close = src.find('>', i + 2);
  return close == std::string_view::npos ? 0 : close + 1 - i;
}

/// What the screen knows about one open group (index 0: the whole source).
struct group_frame {
  /// The body holds a quantifier or alternation: repeating it is the
  /// exponential signature.
  bool ambiguous = false;
  std::uint64_t branches = 1;
  /// Estimated size once libstdc++ has unrolled counted repetitions.
  std::uint64_t size = 0;
  /// The item a following quantifier would apply to.
  enum class item { none, atom, group, quantifier } last = item::none;
  std::uint64_t last_size = 0;
  bool last_group_ambiguous = false;
  bool lazy_seen = false;
};

/// The structural screen, on the source's bytes (every metacharacter is
/// ASCII). Anything the scan cannot follow is refused: an unbalanced group,
/// an unterminated class, a trailing escape, a quantifier with nothing to
/// repeat or on another quantifier (JavaScript rejects those; libstdc++ reads
/// `a*+` as `(?:a*)+` and backtracks exponentially).
class screen_scan {
 public:
  explicit screen_scan(std::string_view src) : src_(src), groups_(1) {}

  /// Walks the whole source; false as soon as a step refuses it.
  bool run() {
    for (std::size_t i = 0; i < src_.size();) {
      if (!step(i)) return false;
    }
    if (groups_.size() != 1) return false;
    budget_ = mul_sat(budget_, groups_.back().branches);
    return budget_ <= max_ambiguity && groups_.back().size <= max_unrolled_size;
  }

 private:
  /// One token at `i`, advancing past it.
  bool step(std::size_t& i) {
    const auto byte = static_cast<unsigned char>(src_[i]);
    if ((byte & 0xC0) == 0x80) {
      ++i;  // the rest of a multi-byte character: same atom
      return true;
    }
    switch (src_[i]) {
      case '\\':
        if (i + 1 >= src_.size()) return false;
        i += 2;
        add_atom(1);
        return true;
      case '[':
        return char_class(i);
      case '(':
        groups_.emplace_back();
        ++i;
        i += group_prefix_length(src_, i);
        return true;
      case ')':
        return close_group(i);
      case '|':
        alternation(i);
        return true;
      default:
        break;
    }
    if (const auto rep = read_repetition(src_, i)) return quantifier(i, *rep);
    add_atom(1);  // literal, `.`, `^`, `$`, or a `{` that is no quantifier
    ++i;
    return true;
  }

  void add_atom(std::uint64_t size) {
    auto& g = groups_.back();
    g.size = add_sat(g.size, size);
    g.last = group_frame::item::atom;
    g.last_size = size;
  }

  /// One atom whatever it holds. `]` right after `[` or `[^` closes the
  /// class (JavaScript's rule; libstdc++ agrees: `[^]` matches anything).
  bool char_class(std::size_t& i) {
    ++i;
    if (i < src_.size() && src_[i] == '^') ++i;
    while (i < src_.size() && src_[i] != ']') i += src_[i] == '\\' ? 2 : 1;
    if (i >= src_.size()) return false;
    ++i;
    add_atom(1);
    return true;
  }

  bool close_group(std::size_t& i) {
    if (groups_.size() == 1) return false;
    const group_frame body = groups_.back();
    groups_.pop_back();
    budget_ = mul_sat(budget_, body.branches);
    auto& parent = groups_.back();
    const std::uint64_t size = add_sat(body.size, 1);
    parent.size = add_sat(parent.size, size);
    parent.last = group_frame::item::group;
    parent.last_size = size;
    parent.last_group_ambiguous = body.ambiguous;
    if (body.ambiguous) parent.ambiguous = true;
    ++i;
    return true;
  }

  void alternation(std::size_t& i) {
    auto& g = groups_.back();
    g.branches = add_sat(g.branches, 1);
    g.ambiguous = true;
    g.last = group_frame::item::none;
    ++i;
  }

  bool quantifier(std::size_t& i, const repetition& rep) {
    auto& g = groups_.back();
    if (g.last == group_frame::item::quantifier) {
      if (src_[i] == '?' && !g.lazy_seen) {  // lazy suffix
        g.lazy_seen = true;
        ++i;
        return true;
      }
      return false;
    }
    if (g.last == group_frame::item::none) return false;
    if (!rep.unbounded && rep.max < rep.min) return false;
    // A body with its own quantifier or alternation that may run twice or
    // more: `(x+)+`, `(a|a)*`, and also counted forms such as `(x*){15}`,
    // which the engine unrolls into that many copies of the risky body.
    const bool may_repeat = rep.unbounded || rep.max >= 2;
    if (g.last == group_frame::item::group && g.last_group_ambiguous && may_repeat) return false;
    const std::uint64_t cost =
        rep.unbounded ? unbounded_cost
                      : std::clamp<std::uint64_t>(rep.max - rep.min + 1, 1, unbounded_cost);
    budget_ = mul_sat(budget_, cost);
    if (cost > 1) g.ambiguous = true;
    const std::uint64_t copies =
        rep.unbounded ? add_sat(rep.min, 1) : std::max<std::uint64_t>(rep.max, 1);
    g.size = add_sat(g.size, mul_sat(g.last_size, copies - 1));
    g.last = group_frame::item::quantifier;
    g.lazy_seen = false;
    i += rep.length;
    return true;
  }

  std::string_view src_;
  std::uint64_t budget_ = 1;
  std::vector<group_frame> groups_;
};

bool screen(std::string_view src) {
  return screen_scan(src).run();
}

/// The full-match regex for a peer pattern, or nullopt when it is unsafe or
/// does not compile.
std::optional<std::wregex> compile_peer_pattern(std::string_view source) {
  if (!peer_pattern_is_safe(source)) return std::nullopt;
  try {
    return std::wregex(L"^(?:" + utf8::to_wstring(source) + L")$",
                       std::regex_constants::ECMAScript);
  } catch (const std::exception&) {
    return std::nullopt;  // an untrusted peer's broken source is simply skipped
  }
}

bool full_match(const std::wstring& input, const std::wregex& re) noexcept {
  try {
    return std::regex_match(input, re);
  } catch (...) {
    return false;
  }
}

/// Peer patterns compiled, and their answers kept, for one filter_reachable
/// call: a roster repeats the same few sources across many beats and handles,
/// and they are only ever asked about my own few topics (or the one scope).
class peer_patterns {
 public:
  /// Does any of `sources` fully match the first 64 characters of `input`?
  bool any_matches(const std::vector<std::string>& sources, std::string_view input) {
    const std::string_view cut = utf8::utf16_prefix(input, max_match_input_units);
    std::optional<std::wstring> wide;
    for (const auto& src : sources) {
      auto& known = lookup(src);
      if (!known.regex) continue;
      const auto [it, fresh] = known.answers.try_emplace(std::string(cut), false);
      if (fresh) {
        if (!wide) wide = utf8::to_wstring(cut);
        it->second = full_match(*wide, *known.regex);
      }
      if (it->second) return true;
    }
    return false;
  }

 private:
  struct source_entry {
    std::optional<std::wregex> regex;  // nullopt: unsafe or not compilable
    std::unordered_map<std::string, bool> answers;
  };

  source_entry& lookup(const std::string& src) {
    const auto [it, fresh] = cache_.try_emplace(src);
    if (fresh) it->second.regex = compile_peer_pattern(src);
    return it->second;
  }

  std::unordered_map<std::string, source_entry> cache_;
};

/// Unique entries in first-seen order, over `field` of each record.
std::vector<std::string> union_of(const std::vector<const record*>& records,
                                  std::vector<std::string> record::*field) {
  std::vector<std::string> out;
  std::unordered_set<std::string_view> seen;
  for (const record* r : records) {
    for (const auto& s : r->*field) {
      if (seen.insert(s).second) out.push_back(s);
    }
  }
  return out;
}

}  // namespace

std::vector<peer> compute_roster(const std::vector<message>& ascending, std::int64_t now_ms,
                                 const roster_options& opts) {
  // Liveness is per (handle, instance): a restarted process has a new
  // instance id, so the old process's trailing goodbye cannot clobber the new
  // one's hello. Both levels keep first-seen order, which decides ties below.
  struct handle_state {
    std::string handle;
    std::vector<record> instances;
    std::unordered_map<std::string, std::size_t> by_instance;
  };
  std::vector<handle_state> handles;
  std::unordered_map<std::string, std::size_t> by_handle;
  for (const auto& m : ascending) {
    auto rec = decode(m.content, now_ms);
    if (!rec) continue;  // not a presence beat: ignored, never an error
    // The backend-reported sender, not anything the content claims.
    const auto [h_it, h_fresh] = by_handle.try_emplace(m.sender_handle, handles.size());
    if (h_fresh) handles.push_back({m.sender_handle, {}, {}});
    auto& h = handles[h_it->second];
    const auto [i_it, i_fresh] = h.by_instance.try_emplace(rec->instance_id, h.instances.size());
    if (i_fresh) {
      h.instances.push_back(std::move(*rec));
    } else {
      h.instances[i_it->second] = std::move(*rec);  // ascending order: the last one wins
    }
  }

  std::vector<peer> roster;
  for (const auto& h : handles) {
    std::vector<const record*> live;
    std::int64_t last_seen = std::numeric_limits<std::int64_t>::min();
    for (const auto& r : h.instances) {
      if (r.kind != beat_kind::goodbye && elapsed(now_ms, r.at_ms) < opts.ttl_ms)
        live.push_back(&r);
      last_seen = std::max(last_seen, r.at_ms);  // a goodbye is still a sighting
    }
    const bool online = !live.empty();
    if (!online && elapsed(now_ms, last_seen) >= opts.since_ms) continue;
    if (!online) {
      // What it last said about itself: the newest record, the later-seen
      // instance on a tie (the original's reduce with `>=`).
      const record* newest = &h.instances.front();
      for (const auto& r : h.instances) {
        if (r.at_ms >= newest->at_ms) newest = &r;
      }
      live.push_back(newest);
    }
    roster.push_back(peer{h.handle, online, union_of(live, &record::topics),
                          union_of(live, &record::post_topics), last_seen});
  }
  std::sort(roster.begin(), roster.end(), [](const peer& a, const peer& b) {
    if (a.last_seen_ms != b.last_seen_ms) return a.last_seen_ms > b.last_seen_ms;
    return utf16_less(a.handle, b.handle);
  });
  return roster;
}

std::vector<peer> filter_reachable(std::vector<peer> peers, const topic_allowlist& mine,
                                   const std::optional<std::string>& scope) {
  peer_patterns patterns;
  auto reachable = [&](const peer& p) {
    if (scope) {
      return std::find(p.topics.begin(), p.topics.end(), *scope) != p.topics.end() ||
             patterns.any_matches(p.post_topics, *scope);
    }
    // Either direction will do: I can post where it listens, or it can post
    // (by its own patterns) where I listen. Only my explicit topics count as
    // where I listen; my patterns never widen subscribe.
    if (std::any_of(p.topics.begin(), p.topics.end(),
                    [&](const std::string& t) { return mine.allows(t); })) {
      return true;
    }
    return std::any_of(mine.topics().begin(), mine.topics().end(), [&](const std::string& t) {
      return patterns.any_matches(p.post_topics, t);
    });
  };
  std::vector<peer> kept;
  kept.reserve(peers.size());
  for (auto& p : peers) {
    if (reachable(p)) kept.push_back(std::move(p));
  }
  return kept;
}

bool peer_pattern_is_safe(std::string_view source) {
  // A UTF-16 unit takes at most three UTF-8 bytes: skip counting a source
  // that is certainly too long.
  if (source.size() > 3 * max_peer_pattern_units) return false;
  if (utf8::utf16_length(source) > max_peer_pattern_units) return false;
  return screen(source);
}

bool peer_pattern_matches(std::string_view source, std::string_view input) {
  const auto re = compile_peer_pattern(source);
  return re && full_match(utf8::to_wstring(utf8::utf16_prefix(input, max_match_input_units)), *re);
}

}  // namespace parley::presence
