#pragma once

#include <cstddef>
#include <string>
#include <string_view>

/// UTF-8 decoding shared by the code that must see strings the way the
/// original JavaScript did: its lengths are UTF-16 code units, and its runtime
/// replaced every malformed byte with U+FFFD before the original saw it.
namespace parley::utf8 {

/// What a byte that does not start a well-formed sequence decodes to.
inline constexpr char32_t replacement_character = 0xFFFD;

/// One decoded code point and the bytes it took.
struct decoded {
  /// The code point, or replacement_character when `valid` is false.
  char32_t code_point = replacement_character;
  /// Bytes consumed: the whole sequence when valid, exactly 1 when not, so a
  /// malformed byte never swallows the well-formed text after it.
  std::size_t length = 1;
  /// False for a stray continuation byte, an invalid lead byte, a sequence
  /// cut short, an overlong encoding, a surrogate, or a value past U+10FFFF.
  bool valid = false;
};

/// Decodes the sequence starting at `s[i]` (requires `i < s.size()`). Reports
/// validity so callers and tests can tell a real U+FFFD from a replaced byte.
[[nodiscard]] decoded decode(std::string_view s, std::size_t i) noexcept;

/// Decodes the code point at `s[i]` and advances `i` past it (requires
/// `i < s.size()`). A malformed byte decodes alone as U+FFFD, as the
/// JavaScript runtime's decoder would have replaced it. The loop-friendly form
/// of `decode`.
[[nodiscard]] char32_t next_code_point(std::string_view s, std::size_t& i) noexcept;

/// UTF-16 code units `cp` takes: 2 for the astral planes, else 1. JavaScript's
/// `length` counts these, so limits ported from the original do too.
[[nodiscard]] constexpr std::size_t utf16_units(char32_t cp) noexcept {
  return cp >= 0x10000 ? 2 : 1;
}

/// JavaScript's `length` of the string `s` decodes to: UTF-16 code units, each
/// malformed byte counting as one U+FFFD.
[[nodiscard]] std::size_t utf16_length(std::string_view s) noexcept;

/// Code points `s` decodes to, each malformed byte counting as one U+FFFD:
/// a Python `len`, which is how Slack and Zulip measure their limits.
[[nodiscard]] std::size_t code_point_count(std::string_view s) noexcept;

/// The longest prefix of `s` of at most `max_units` UTF-16 code units that ends
/// on a code point boundary. JavaScript's `slice` would cut a surrogate pair in
/// half; UTF-8 cannot hold half a character, so this stops one unit short.
[[nodiscard]] std::string_view utf16_prefix(std::string_view s, std::size_t max_units) noexcept;

/// `s` as one wchar_t per code point (UTF-32 on Linux), malformed bytes as
/// U+FFFD. std::wregex matches per character, so this lets a pattern's `.`
/// match `é` whole where a byte-wise std::regex would match half of it.
[[nodiscard]] std::wstring to_wstring(std::string_view s);

/// `s` as UTF-16 code units (astral characters as surrogate pairs), malformed
/// bytes as U+FFFD: the string exactly as JavaScript would index it.
[[nodiscard]] std::u16string to_utf16(std::string_view s);

/// `s` with every byte that does not start a well-formed sequence replaced
/// by U+FFFD, as a JavaScript peer's non-fatal decoder would show it: what we
/// emit (a JSON string, an MCP channel event, a header value) is then always
/// valid UTF-8. Returns `s` unchanged (one copy) when it is already valid.
[[nodiscard]] std::string repair(std::string_view s);

}  // namespace parley::utf8
