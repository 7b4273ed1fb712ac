#include "backends/xmpp/room_names.hpp"

#include "src/util/safe_name.hpp"
#include "src/util/utf8.hpp"

namespace parley::xmpp {

namespace {

bool allowed(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

// The original lower-cases with JavaScript's toLowerCase and then replaces
// per UTF-16 code unit; so an astral character becomes two `_`, and the two
// non-ASCII characters whose lower case is ASCII (KELVIN SIGN, and the
// dotted capital I, which becomes `i` and a combining dot) keep their ASCII.
std::string fold(const std::string& topic) {
  std::string out;
  out.reserve(topic.size());
  for (std::size_t i = 0; i < topic.size();) {
    char32_t c = utf8::next_code_point(topic, i);
    if (c >= 'A' && c <= 'Z') c = c - 'A' + 'a';
    if (c == 0x212A) c = 'k';
    if (c == 0x0130) {
      out += "i_";
      continue;
    }
    if (allowed(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.append(utf8::utf16_units(c), '_');
    }
  }
  return out;
}

}  // namespace

std::string room_localpart(const std::string& topic) { return safe_name(topic, fold(topic)); }

std::string room_jid(const std::string& topic, const std::string& muc_service) {
  return room_localpart(topic) + "@" + muc_service;
}

std::string resource_of(const std::string& full_jid) {
  const auto slash = full_jid.find('/');
  return slash == std::string::npos ? std::string{} : full_jid.substr(slash + 1);
}

std::string bare_of(const std::string& jid) { return jid.substr(0, jid.find('/')); }

}  // namespace parley::xmpp
