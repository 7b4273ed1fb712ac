#pragma once

#include <string>
#include <string_view>

namespace parley::nats_agent {

/// `s` with every byte that does not start a well-formed UTF-8 sequence
/// replaced by U+FFFD, as the TypeScript reference's non-fatal TextDecoder
/// does with a plain-text prompt. What we hand on (an MCP channel event, a
/// header value) is then always valid UTF-8. Returns `s` unchanged (one copy)
/// when it is already valid.
[[nodiscard]] std::string to_valid_utf8(std::string_view s);

}  // namespace parley::nats_agent
