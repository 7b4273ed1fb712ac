#include "src/nats_agent/valid_utf8.hpp"

#include <simdjson.h>

#include "src/util/utf8.hpp"

namespace parley::nats_agent {

std::string to_valid_utf8(std::string_view s) {
  if (simdjson::validate_utf8(s.data(), s.size())) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  for (std::size_t i = 0; i < s.size();) {
    const auto d = utf8::decode(s, i);
    if (d.valid)
      out.append(s.substr(i, d.length));
    else
      out.append("\xEF\xBF\xBD");
    i += d.length;
  }
  return out;
}

}  // namespace parley::nats_agent
