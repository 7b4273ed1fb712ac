#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "src/model/message.hpp"

namespace parley::zulip {

/// The narrow of GET /messages, in the operator/operand form:
/// `[{"operator":"stream","operand":S},{"operator":"topic","operand":T}]`,
/// the topic term left out when `topic` is nullopt (the whole stream).
[[nodiscard]] std::string history_narrow(const std::string& stream,
                                         const std::optional<std::string>& topic);

/// The narrow of POST /register, in the pair form:
/// `[["stream",S],["topic",T]]`, the topic left out when nullopt.
[[nodiscard]] std::string queue_narrow(const std::string& stream,
                                       const std::optional<std::string>& topic);

/// A message id as a cursor or id: its decimal digits (1 to 19, no sign, no
/// leading zero but "0" itself); nullopt for anything else.
[[nodiscard]] std::optional<std::uint64_t> parse_id(std::string_view text);

/// A Zulip stream message as Parley's: backend_msg_id = cursor = String(id),
/// sender = sender_email, content raw (the caller asked apply_markdown=false),
/// timestamp = ISO(timestamp*1000), topic = `topic` (the subscribed name;
/// the message's own `subject` when empty). nullopt when it is not a stream
/// message or lacks a positive id, a sender or a timestamp.
[[nodiscard]] std::optional<message> to_message(simdjson::dom::object msg, const std::string& topic);

/// The message's topic (`subject`, or `topic` on newer servers), or "".
[[nodiscard]] std::string subject_of(simdjson::dom::object msg);

/// Topic names compare as Zulip compares them: without (ASCII) case.
[[nodiscard]] bool same_topic(std::string_view a, std::string_view b) noexcept;

}  // namespace parley::zulip
