#include "src/oidc/json_object.hpp"

#include <algorithm>
#include <vector>

namespace parley::oidc {

result<simdjson::dom::object> parse_json_object(simdjson::dom::parser& parser,
                                                std::string_view json, std::string_view what) {
  simdjson::dom::element doc;
  if (auto err = parser.parse(json.data(), json.size()).get(doc))
    return fail(errc::invalid_argument,
                std::string(what) + " is not valid JSON (" + simdjson::error_message(err) + ")");
  simdjson::dom::object obj;
  if (doc.get_object().get(obj))
    return fail(errc::invalid_argument, std::string(what) + " is not a JSON object");
  std::vector<std::string_view> keys;
  keys.reserve(obj.size());
  for (auto field : obj) keys.push_back(field.key);
  std::sort(keys.begin(), keys.end());
  if (auto dup = std::adjacent_find(keys.begin(), keys.end()); dup != keys.end())
    return fail(errc::invalid_argument, std::string(what) + " has a member name twice");
  return obj;
}

result<std::string> string_member(simdjson::dom::element value, std::string_view what) {
  std::string_view s;
  if (value.get_string().get(s))
    return fail(errc::invalid_argument, std::string(what) + " is not a string");
  return std::string(s);
}

}  // namespace parley::oidc
