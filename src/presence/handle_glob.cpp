#include "src/presence/handle_glob.hpp"

#include <string>

#include "src/util/utf8.hpp"

namespace parley::presence {

namespace {

/// Longest filter evaluated, in UTF-16 code units (the tool schema rejects
/// longer ones before they get here).
constexpr std::size_t max_glob_units = 256;

/// Greedy two-pointer wildcard match. On a mismatch it returns to the most
/// recent `*` and lets it absorb one more character, so the worst case is
/// pattern length times handle length, never exponential (a 40-star filter
/// translated to a backtracking regex once hung the original for ~47 s).
bool wildcard_match(const std::u16string& pattern, const std::u16string& value) noexcept {
  const std::size_t p_end = pattern.size();
  const std::size_t v_end = value.size();
  std::size_t p = 0;
  std::size_t v = 0;
  bool have_star = false;
  std::size_t star_p = 0;  // pattern index just after the last `*`
  std::size_t star_v = 0;  // value index that `*` currently absorbs up to
  while (v < v_end) {
    if (p < p_end && (pattern[p] == u'?' || (pattern[p] != u'*' && pattern[p] == value[v]))) {
      ++p;
      ++v;
    } else if (p < p_end && pattern[p] == u'*') {
      have_star = true;
      star_p = ++p;
      star_v = v;
    } else if (have_star) {
      p = star_p;
      v = ++star_v;
    } else {
      return false;
    }
  }
  while (p < p_end && pattern[p] == u'*') ++p;
  return p == p_end;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view handle) noexcept {
  // A UTF-16 unit takes at most three UTF-8 bytes, so a longer byte string is
  // certainly over the cap; skip converting it.
  if (pattern.size() > 3 * max_glob_units) return false;
  try {
    // The original compares JavaScript strings, so `?` is one UTF-16 code unit:
    // it matches `é`, and it takes two of them to match an emoji.
    const std::u16string p = utf8::to_utf16(pattern);
    if (p.size() > max_glob_units) return false;
    return wildcard_match(p, utf8::to_utf16(handle));
  } catch (...) {
    // Only allocation can fail here; "no match" is the safe answer for a filter.
    return false;
  }
}

}  // namespace parley::presence
