#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "src/nats_agent/prompt_envelope.hpp"
#include "src/error/result.hpp"

/// Attachments on disk (docs/nats-agent-protocol.md, "Prompts into the session"): the session reads
/// files, so each decoded attachment is written under the state directory,
/// listed by absolute path at the top of the channel event, and removed when
/// the request ends. Names come from untrusted callers; nothing here lets one
/// escape the request's directory, even a name decode_prompt never saw.
namespace parley::nats_agent {

/// Files of one request.
struct staged_attachments {
  /// Absolute; holds exactly the staged files. "" when nothing was staged.
  std::string directory;
  /// Absolute path of each attachment, in the request's order.
  std::vector<std::string> paths;
};

/// Longest staged file name in bytes (well under NAME_MAX 255, leaving room
/// for a de-duplication prefix).
inline constexpr std::size_t max_staged_name_bytes = 200;

/// The file name `filename` is stored under: malformed UTF-8 becomes U+FFFD;
/// `/`, `\`, NUL and every other control character become `_`; each leading
/// `.` becomes `_` (so `.`, `..` and dot-files cannot mean anything special);
/// names longer than max_staged_name_bytes are cut at a character boundary,
/// keeping a short extension. Empty → `file-<index + 1>`. Never contains a
/// separator, never `.` or `..`.
[[nodiscard]] std::string safe_attachment_name(std::string_view filename, std::size_t index);

/// Writes `files` into a new directory
/// `<state_dir>/attachments/<request_key sanitized>-XXXXXX` (mkdtemp: unique
/// even when many agents share the state directory, mode 0700), each file
/// created exclusively (O_EXCL|O_NOFOLLOW, mode 0600) under
/// safe_attachment_name; a name already used in this request gets an `<n>-`
/// prefix. No attachments → an empty result and no directory. On any failure
/// everything written is removed and errc::io_error returned (answer 500).
[[nodiscard]] result<staged_attachments> stage_attachments(std::string_view state_dir,
                                                           std::string_view request_key,
                                                           const std::vector<attachment>& files);

/// Removes the request's directory and everything in it. Idempotent; a
/// `staged` with no directory is a no-op. errc::io_error when removal fails.
[[nodiscard]] result<void> remove_staged(const staged_attachments& staged);

/// The channel event's content, as the Claude Code channel builds it: the
/// prompt alone, or with paths
/// `[Attachments available at the following absolute paths]\n- <p1>\n- <p2>\n\n<prompt>`.
[[nodiscard]] std::string channel_content(std::string_view prompt_text,
                                          const std::vector<std::string>& paths);

}  // namespace parley::nats_agent
