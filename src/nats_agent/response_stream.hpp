#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/nats_agent/service_error.hpp"
#include "src/error/result.hpp"

/// The reply stream of a prompt (docs/nats-agent-protocol.md, "Response stream"): what goes on the
/// request's reply subject, in this order and nothing after the terminator:
///
///   1. on acceptance, at once: exactly one ack chunk (validation failures
///      skip it: error frame + terminator only);
///   2. response / status / query chunks in order, plus an ack chunk every
///      keep-alive interval while work (or the queue) is in progress;
///   3. optionally one error frame (stop the keep-alive timer *before* it, so
///      nothing lands between it and the terminator);
///   4. exactly one terminator.
///
/// Chunks are compact JSON `{"type":…,"data":…}` without headers.
namespace parley::nats_agent {

/// One message for the reply subject.
///
/// **How to publish** — this is what makes the stream end where the SDK
/// clients expect it:
///  * `headers` empty → `natsConnection_Publish(nc, reply, body.data(),
///    body.size())`: a plain `PUB`, *no header block at all*;
///  * `headers` non-empty (error frames only) → a natsMsg with those headers
///    set, `natsConnection_PublishMsg` (`HPUB`).
/// Never route a header-less frame through a natsMsg: an `HPUB` with an empty
/// `NATS/1.0\r\n\r\n` block is not a terminator to the TS and Python clients
/// (they test "empty body AND no headers"), and the caller then waits for its
/// max-wait timeout instead of seeing `done`.
struct frame {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  /// The terminator: zero-byte body, no headers (`PUB <reply> 0\r\n\r\n`).
  [[nodiscard]] bool is_terminator() const noexcept { return headers.empty() && body.empty(); }
  [[nodiscard]] friend bool operator==(const frame&, const frame&) = default;
};

/// `{"type":"status","data":"ack"}` (30 bytes): the leading ack and every
/// keep-alive.
inline constexpr std::string_view ack_chunk = R"({"type":"status","data":"ack"})";

/// `{"type":"status","data":<data>}`. Clients ignore values they do not know;
/// never send `done` (clients synthesise it from the terminator).
[[nodiscard]] std::string status_chunk(std::string_view data);

/// `{"type":"response","data":<text>}`; callers concatenate `data` in order.
/// May exceed max_payload: use split_response for session text.
[[nodiscard]] std::string response_chunk(std::string_view text);

/// Bytes response_chunk adds around the escaped text: `{"type":"response","data":""}`.
inline constexpr std::size_t response_chunk_overhead = 29;

/// `text` as response chunks, each at most `max_payload` bytes *encoded*
/// (JSON escaping can grow a character to 6 bytes, so the encoded frame is
/// measured, not the text). Cuts only between code points; a malformed byte
/// counts as the U+FFFD it is encoded as. The `data` strings concatenate to
/// `text` (repaired). "" gives no chunks. errc::invalid_argument when
/// `max_payload` cannot hold even one character (< overhead + 6).
[[nodiscard]] result<std::vector<std::string>> split_response(std::string_view text,
                                                              std::size_t max_payload);

/// `{"type":"query","data":{"id":…,"reply_subject":…,"prompt":…}}`: a
/// mid-stream question (docs/nats-agent-protocol.md, "Response stream"). Subscribe to
/// `reply_subject` (max 1 message) and flush *before* publishing this chunk, or a fast answer is
/// lost. `id` must be unique among the stream's open queries.
[[nodiscard]] std::string query_chunk(std::string_view id, std::string_view reply_subject,
                                      std::string_view prompt);

/// A header-less chunk frame.
[[nodiscard]] frame chunk_frame(std::string body);
/// The error frame: `Nats-Service-Error-Code` and `Nats-Service-Error`
/// headers, empty body (what every SDK sends).
[[nodiscard]] frame error_frame(const service_error& err);
/// The terminator frame (see `frame`: publish with natsConnection_Publish).
[[nodiscard]] frame terminator_frame();
/// What a rejected or failed request ends with: error frame, terminator.
[[nodiscard]] std::vector<frame> error_then_terminator(const service_error& err);

}  // namespace parley::nats_agent
