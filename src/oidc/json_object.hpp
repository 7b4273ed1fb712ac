#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

#include "src/error/result.hpp"

namespace parley::oidc {

/// Parses `json` (a token header or payload, a JWKS, a discovery document)
/// and returns its top-level object. `what` names the document in errors.
/// Duplicate member names are refused at the top level: RFC 7515 §4 lets a
/// JWS consumer reject them, and two parsers picking different duplicates is
/// how signature-bypass bugs start. The parser owns the returned element.
[[nodiscard]] result<simdjson::dom::object> parse_json_object(simdjson::dom::parser& parser,
                                                              std::string_view json,
                                                              std::string_view what);

/// `value` as a string, or an error naming the member.
[[nodiscard]] result<std::string> string_member(simdjson::dom::element value,
                                                std::string_view what);

}  // namespace parley::oidc
