#pragma once

#include <string_view>

namespace parley::presence {

/// The `parley_list_users` filter (docs/parley-behavior.md, "Handle filter"): `*` matches any run
/// (also empty), `?` exactly one character, everything else literally;
/// anchored at both ends, case-sensitive. Linear two-pointer matching, never
/// a backtracking regex. Patterns longer than 256 characters match nothing.
[[nodiscard]] bool glob_match(std::string_view pattern, std::string_view handle) noexcept;

}  // namespace parley::presence
