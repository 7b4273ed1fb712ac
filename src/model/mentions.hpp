#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace parley {

/// The handles `@mentioned` in a message body, unique, in first-seen order.
///
/// Compatible with the original's rule: an `@` counts only at the start or
/// after a character outside `[A-Za-z0-9_.@-]` (so `alice@example.com` is no
/// mention); a handle starts and ends alphanumeric and may hold `.`, `_`, `-`
/// inside (so trailing punctuation in `ping @bob.` is not absorbed).
[[nodiscard]] std::vector<std::string> parse_mentions(std::string_view content);

}  // namespace parley
