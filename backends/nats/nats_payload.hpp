#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "src/model/message.hpp"

namespace parley::nats {

/// The original's payload, byte for byte: compact JSON in this key order,
/// `in_reply_to` the empty string when absent, no NATS headers.
/// {"sender":"<handle>","content":"...","ts":"<ISO>","in_reply_to":""}
[[nodiscard]] std::string encode_payload(std::string_view sender, std::string_view content, std::string_view ts,
                                         const std::optional<std::string>& in_reply_to);

/// Reads a payload written by either implementation. A payload that is not
/// a JSON object reads as empty fields (the original's rule); an empty
/// `in_reply_to` means none. Topic, id and cursor are left for the caller.
[[nodiscard]] message decode_payload(std::string_view payload);

}  // namespace parley::nats
