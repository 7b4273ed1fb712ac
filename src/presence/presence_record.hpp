#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parley::presence {

enum class beat_kind { hello, heartbeat, goodbye };

/// One presence beat, the content of a message on the presence topic
/// (docs/parley-behavior.md, "Presence record", format v2).
struct record {
  beat_kind kind = beat_kind::hello;
  /// Emitter's wall clock, epoch milliseconds.
  std::int64_t at_ms = 0;
  std::vector<std::string> topics;
  std::vector<std::string> post_topics;
  /// Random per process (per presence start); "" = anonymous instance.
  std::string instance_id;
};

/// Compact JSON in the original's exact key order:
/// {"v":2,"kind":"hello","at":1752343391204,"topics":[...],"postTopics":[...],"instanceId":"..."}
[[nodiscard]] std::string encode(const record& r);

/// Decodes and sanitizes per docs/parley-behavior.md "Presence record", or nullopt for anything to
/// ignore: not a JSON object, `v` not exactly 2, unknown kind, `at` not a finite number or
/// more than 5 minutes ahead of `now_ms`, `topics` not an array of non-empty
/// strings. Topic strings over 512 characters are dropped, then lists are cut
/// to 64 entries; a malformed `postTopics` becomes []; `instanceId` is cut to
/// 128 characters, and absent or non-string becomes "".
[[nodiscard]] std::optional<record> decode(std::string_view content, std::int64_t now_ms);

/// A random UUID v4 string (lower-case hex with dashes).
[[nodiscard]] std::string new_instance_id();

}  // namespace parley::presence
