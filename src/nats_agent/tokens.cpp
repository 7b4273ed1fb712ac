#include "src/nats_agent/tokens.hpp"

#include "src/util/utf8.hpp"

namespace parley::nats_agent {

namespace {

bool is_word_char(char32_t c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

std::string_view trim_dashes(std::string_view s) noexcept {
  while (!s.empty() && s.front() == '-') s.remove_prefix(1);
  while (!s.empty() && s.back() == '-') s.remove_suffix(1);
  return s;
}

}  // namespace

std::string sanitize_token(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size();) {
    const char32_t cp = utf8::next_code_point(raw, i);
    if (is_word_char(cp)) {
      char c = static_cast<char>(cp);
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      out.push_back(c);
    } else {
      out.append(utf8::utf16_units(cp), '-');
    }
  }
  std::string_view kept = trim_dashes(out);
  // Everything left is ASCII, so a byte cut cannot split a character.
  if (kept.size() > max_recommended_token_length)
    kept = trim_dashes(kept.substr(0, max_recommended_token_length));
  return std::string(kept);
}

result<void> validate_token(std::string_view token, std::string_view what) {
  const std::string name(what);
  if (token.empty()) return fail(errc::invalid_config, name + ": must not be empty");
  if (token.front() == '$')
    return fail(errc::invalid_config, name + ": must not start with '$' (reserved by NATS)");
  for (const char ch : token) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '.' || c == '*' || c == '>')
      return fail(errc::invalid_config, name + ": '" + std::string(token) + "' contains '" +
                                            std::string(1, ch) +
                                            "', which would change the subject's tokens");
    if (c <= 0x20 || c == 0x7F)
      return fail(errc::invalid_config, name + ": '" + std::string(token) +
                                            "' contains whitespace or a control character");
  }
  // JavaScript's \s also matches the Unicode spaces; the SDK would reject them.
  for (std::size_t i = 0; i < token.size();) {
    const char32_t cp = utf8::next_code_point(token, i);
    const bool unicode_space = cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
                               (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
                               cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
    if (unicode_space)
      return fail(errc::invalid_config,
                  name + ": '" + std::string(token) + "' contains whitespace");
  }
  return {};
}

bool is_recommended_token(std::string_view token) noexcept {
  if (token.empty() || token.size() > max_recommended_token_length) return false;
  for (const char c : token)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

bool is_valid_micro_name(std::string_view name) noexcept {
  if (name.empty()) return false;
  for (const char c : name)
    if (!is_word_char(static_cast<unsigned char>(c))) return false;
  return true;
}

}  // namespace parley::nats_agent
