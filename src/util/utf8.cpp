#include "src/util/utf8.hpp"

#include <simdjson.h>

namespace parley::utf8 {

decoded decode(std::string_view s, std::size_t i) noexcept {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return {b0, 1, true};
  std::size_t len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1Fu;
    min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0Fu;
    min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07u;
    min = 0x10000;
  } else {
    return {};  // a continuation byte, or 0xF8..0xFF
  }
  if (s.size() - i < len) return {};
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return {};
    cp = (cp << 6) | (b & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {};
  return {cp, len, true};
}

char32_t next_code_point(std::string_view s, std::size_t& i) noexcept {
  const decoded d = decode(s, i);
  i += d.length;
  return d.code_point;
}

std::size_t utf16_length(std::string_view s) noexcept {
  std::size_t units = 0;
  for (std::size_t i = 0; i < s.size();) units += utf16_units(next_code_point(s, i));
  return units;
}

std::size_t code_point_count(std::string_view s) noexcept {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++n) (void)next_code_point(s, i);
  return n;
}

std::string_view utf16_prefix(std::string_view s, std::size_t max_units) noexcept {
  std::size_t units = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t next = i;
    units += utf16_units(next_code_point(s, next));
    if (units > max_units) break;
    i = next;
  }
  return s.substr(0, i);
}

std::wstring to_wstring(std::string_view s) {
  std::wstring out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) out.push_back(static_cast<wchar_t>(next_code_point(s, i)));
  return out;
}

std::u16string to_utf16(std::string_view s) {
  std::u16string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const char32_t cp = next_code_point(s, i);
    if (cp >= 0x10000) {
      out.push_back(static_cast<char16_t>(0xD800 + ((cp - 0x10000) >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
  }
  return out;
}

std::string repair(std::string_view s) {
  if (simdjson::validate_utf8(s.data(), s.size())) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  for (std::size_t i = 0; i < s.size();) {
    const auto d = decode(s, i);
    if (d.valid)
      out.append(s.substr(i, d.length));
    else
      out.append("\xEF\xBF\xBD");
    i += d.length;
  }
  return out;
}

}  // namespace parley::utf8
