#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "src/config/value.hpp"

namespace parley::config {

/// The string `key` of `r` as an API base URL: http(s), no query or
/// fragment, trailing `/` stripped. nullopt when absent, or when it is not
/// such a URL (then reported as a problem of `key`).
[[nodiscard]] std::optional<std::string> read_base_url(map_reader& r, std::string_view key);

}  // namespace parley::config
