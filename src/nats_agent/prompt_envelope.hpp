#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/nats_agent/max_payload.hpp"
#include "src/nats_agent/service_error.hpp"

/// A request on the prompt endpoint (docs/nats-agent-protocol.md, "Prompt envelope"): plain UTF-8
/// text or the JSON envelope `{"prompt", "attachments"?}`, validated before
/// anything is acknowledged.
namespace parley::nats_agent {

/// One decoded attachment. `filename` passed filename_problem (no separator,
/// NUL, `.` or `..`) but is still untrusted: stage it with
/// attachment_staging.hpp, never join it to a path yourself.
struct attachment {
  std::string filename;
  std::string bytes;

  [[nodiscard]] friend bool operator==(const attachment&, const attachment&) = default;
};

/// How the request was written.
enum class prompt_form {
  plain_text,  ///< the whole payload is the prompt
  envelope,    ///< v0.2/v0.3 `{"prompt": …, "attachments"?: […]}`
  legacy_v01,  ///< v0.1 `{"from": …, "body": …}`
};

/// A valid prompt, ready to become a channel event.
struct prompt {
  /// Valid UTF-8 (malformed bytes of a plain-text prompt became U+FFFD).
  std::string text;
  std::vector<attachment> attachments;
  /// The caller's self-declared name: v0.1's `from`, or a string `from` key
  /// beside `prompt` (unknown keys are tolerated by the protocol; this one is
  /// worth showing). Unauthenticated: display only.
  std::optional<std::string> from;
  prompt_form form = prompt_form::plain_text;
};

/// What the endpoint advertises and therefore enforces.
struct prompt_limits {
  /// The advertised `max_payload` in bytes; a larger payload is a 400.
  std::uint64_t max_payload = default_max_payload;
  /// false: any non-empty `attachments` is a 400 (`[]` is fine).
  bool attachments_ok = true;
  /// Accept v0.1's `{"from","body"}` when there is no `prompt` key (docs/nats-agent-protocol.md,
  /// "Prompt envelope": an extension no current client needs, harmless to old ones).
  bool accept_v01_body = true;
};

/// Validates and decodes one request payload, in this order (each failure a
/// 400 with the TypeScript reference's description, docs/nats-agent-protocol.md "Errors"):
///  1. zero bytes → `zero-byte request payload (§5.3)` (wire text: the § is the
///     protocol's own numbering);
///  2. more than `max_payload` bytes → `prompt payload exceeds max_payload 1MB`;
///  3. after skipping leading space/tab/CR/LF, a `{` makes it an envelope that
///     must parse (`malformed JSON envelope: …`), never falling back to text;
///     anything else is text, the whole payload, leading whitespace included
///     (a whitespace-only payload is a prompt, as in the reference);
///  4. `prompt` must be a string (`envelope missing required string \`prompt\`
///     field`) and non-empty;
///  5. `attachments`, when present, must be an array (`null` too is a 400);
///     with `attachments_ok` false a non-empty array is a 400 (`attachments
///     are not supported by this endpoint`);
///  6. each element an object with string `filename` and `content`, a safe
///     filename, and strict base64 content.
/// Unknown keys are ignored; with duplicate keys the last wins (JSON.parse).
[[nodiscard]] service_result<prompt> decode_prompt(std::string_view payload,
                                                   const prompt_limits& limits);

/// Why `filename` is refused (the protocol's and the TypeScript SDK's rules,
/// docs/nats-agent-protocol.md "Prompt envelope": empty; any `/`, `\` or NUL; the exact names `.`
/// and `..`), or nullopt when it is acceptable. `..foo`, `a..b`, spaces and non-ASCII are
/// acceptable.
[[nodiscard]] std::optional<std::string> filename_problem(std::string_view filename);

}  // namespace parley::nats_agent
