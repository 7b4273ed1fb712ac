#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "src/model/message.hpp"
#include "backends/redis/redis_connection.hpp"
#include "src/seam/backend.hpp"

namespace parley::redis {

/// A stream entry id, `<ms>-<seq>`: the backend_msg_id and the cursor.
struct stream_id {
  std::uint64_t ms = 0;
  std::uint64_t seq = 0;

  /// Only the full form `^\d+-\d+$` with both parts in 64 bits: what XADD
  /// mints. The incomplete form `<ms>` is refused because `(<ms>` means a
  /// different position in XRANGE than in XREAD.
  [[nodiscard]] static std::optional<stream_id> parse(std::string_view text);
  [[nodiscard]] std::string to_string() const;
  [[nodiscard]] bool is_max() const noexcept { return ms == UINT64_MAX && seq == UINT64_MAX; }

  friend auto operator<=>(const stream_id&, const stream_id&) = default;
};

/// The original's XADD, field for field:
/// `XADD <key> [MINID ~ <cutoff_ms>] * sender <handle> content <text> ts <iso> in_reply_to
/// <id|"">`.
[[nodiscard]] command_args xadd_command(const std::string& key, const post_request& req,
                                        const std::string& ts,
                                        std::optional<std::int64_t> minid_cutoff_ms);

/// One entry of an XRANGE/XREAD reply (`[id, [field, value, ...]]`) as a
/// message of `topic`. Missing fields read as "", an empty `in_reply_to` as
/// none; unknown fields are ignored. Nullopt if the entry has no usable id.
[[nodiscard]] std::optional<message> entry_to_message(const std::string& topic,
                                                      const redisReply& entry);

/// The id of an entry reply, or nullopt.
[[nodiscard]] std::optional<stream_id> entry_id(const redisReply& entry);

}  // namespace parley::redis
