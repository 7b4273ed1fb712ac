#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "src/json/document.hpp"
#include "src/error/result.hpp"

namespace parley::discord::gateway {

/// Gateway opcodes (Discord API: Gateway Opcodes).
enum opcode : int {
  dispatch = 0,
  heartbeat = 1,
  identify = 2,
  resume = 6,
  reconnect = 7,
  invalid_session = 9,
  hello = 10,
  heartbeat_ack = 11,
};

/// GUILDS | GUILD_MESSAGES | MESSAGE_CONTENT, as the original identifies.
inline constexpr std::int64_t intents = 33281;
/// Application flags that say the MESSAGE_CONTENT intent is switched on in
/// the Developer Portal (GATEWAY_MESSAGE_CONTENT, _LIMITED).
inline constexpr std::int64_t message_content_flags = (1 << 18) | (1 << 19);

/// One frame received: `op`, `s`, `t` and `d`, which stays valid while the
/// frame lives.
struct frame {
  int op = -1;
  std::optional<std::int64_t> seq;
  std::string type;
  json::document doc;
  /// `d`; the whole frame when it has none (whose members are op, s, t).
  [[nodiscard]] simdjson::dom::element data() const {
    simdjson::dom::element d;
    return doc.root()["d"].get(d) == simdjson::SUCCESS ? d : doc.root();
  }
};

/// Parses a received text; fails for anything that is not a JSON object with
/// an integer `op` (the frame is then skipped).
[[nodiscard]] result<frame> parse_frame(std::string_view text);

/// `{"op":1,"d":<seq or null>}`.
[[nodiscard]] std::string heartbeat_frame(std::optional<std::int64_t> seq);
/// IDENTIFY with the token, the intents and the properties the original sends.
[[nodiscard]] std::string identify_frame(const std::string& token);
/// RESUME `{token, session_id, seq}`.
[[nodiscard]] std::string resume_frame(const std::string& token, const std::string& session_id, std::int64_t seq);

/// `url` with the version and encoding query Discord asks for.
[[nodiscard]] std::string connect_url(const std::string& url);

/// What a close code means for the next connection.
enum class after_close {
  /// Reconnect and RESUME the session.
  resume,
  /// Reconnect with a new session (IDENTIFY).
  identify,
  /// Stop: retrying cannot help (bad token, bad shard or version, intents
  /// not allowed); reconnecting would burn the identify budget.
  stop,
};
[[nodiscard]] after_close classify_close(std::uint16_t code) noexcept;
/// A user's reason for a terminal close code.
[[nodiscard]] std::string terminal_reason(std::uint16_t code);

/// The reconnect delay for attempt `n` (0-based): the first, right after a
/// working session dropped, only rand(0..1000) ms, so that a RESUME comes
/// while Discord still holds the session and the gap stays short; then the
/// original's min(1000·2^(n-1), 60000) + rand(0..1000) ms. The jitter keeps
/// many bridges cut at once from reconnecting in step.
[[nodiscard]] std::chrono::milliseconds reconnect_delay(int n, std::mt19937_64& rng);
/// Discord's first heartbeat comes after interval·jitter, jitter in [0, 1).
[[nodiscard]] std::chrono::milliseconds first_heartbeat(std::chrono::milliseconds interval, std::mt19937_64& rng);
/// After op 9 with d:false: wait a random 1–5 s before identifying again.
[[nodiscard]] std::chrono::milliseconds invalid_session_wait(std::mt19937_64& rng);

}  // namespace parley::discord::gateway
