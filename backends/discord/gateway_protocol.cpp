#include "backends/discord/gateway_protocol.hpp"

#include <algorithm>

#include "src/json/writer.hpp"

namespace parley::discord::gateway {

result<frame> parse_frame(std::string_view text) {
  auto doc = json::document::parse(text, "a gateway frame");
  if (!doc) return doc.error();
  auto op = json::member<std::int64_t>(doc->root(), "op");
  if (!op) return fail(errc::backend_unavailable, "a gateway frame without an integer op");
  frame f{static_cast<int>(*op), json::member<std::int64_t>(doc->root(), "s"),
          json::text_of(doc->root(), "t").value_or(""), std::move(*doc)};
  return f;
}

std::string heartbeat_frame(std::optional<std::int64_t> seq) {
  json::writer w;
  w.begin_object().key("op").value(static_cast<int>(heartbeat)).key("d");
  if (seq) w.value(*seq);
  else w.null();
  return std::move(w.end_object()).take();
}

std::string identify_frame(const std::string& token) {
  json::writer w;
  w.begin_object().key("op").value(static_cast<int>(identify)).key("d").begin_object();
  w.key("token").value(token).key("intents").value(intents);
  w.key("properties").begin_object().key("os").value("linux").key("browser").value("parley");
  w.key("device").value("parley").end_object();
  return std::move(w.end_object().end_object()).take();
}

std::string resume_frame(const std::string& token, const std::string& session_id, std::int64_t seq) {
  json::writer w;
  w.begin_object().key("op").value(static_cast<int>(resume)).key("d").begin_object();
  w.key("token").value(token).key("session_id").value(session_id).key("seq").value(seq);
  return std::move(w.end_object().end_object()).take();
}

std::string connect_url(const std::string& url) {
  std::string base = url;
  if (base.find('?') != std::string::npos) return base;
  // Discord's urls come without a path; a '/' before the query keeps the
  // request line valid.
  const auto scheme_end = base.find("://");
  if (scheme_end != std::string::npos && base.find('/', scheme_end + 3) == std::string::npos) base += "/";
  return base + "?v=10&encoding=json";
}

after_close classify_close(std::uint16_t code) noexcept {
  if (code == 4004 || (code >= 4010 && code <= 4014)) return after_close::stop;
  // Invalid seq, session timed out: the session is gone. 1000 and 1001 from
  // Discord end the session too.
  if (code == 4007 || code == 4009 || code == 1000 || code == 1001) return after_close::identify;
  return after_close::resume;
}

std::string terminal_reason(std::uint16_t code) {
  switch (code) {
    case 4004: return "Discord refused the bot token (close 4004): reset it in the Developer Portal and set "
                      "backend_config.token or $PARLEY_DISCORD_TOKEN";
    case 4010: return "Discord gateway: invalid shard (close 4010)";
    case 4011: return "Discord gateway: sharding required (close 4011)";
    case 4012: return "Discord gateway: invalid API version (close 4012)";
    case 4013: return "Discord gateway: invalid intents (close 4013)";
    case 4014:
      return "Discord gateway: disallowed intents (close 4014): switch on MESSAGE CONTENT INTENT under "
             "Bot → Privileged Gateway Intents in the Developer Portal";
    default: return "Discord gateway closed with " + std::to_string(code);
  }
}

std::chrono::milliseconds reconnect_delay(int n, std::mt19937_64& rng) {
  const int shift = std::clamp(n - 1, 0, 6);  // 2^6 s > 60 s already
  const std::int64_t base = n <= 0 ? 0 : std::min<std::int64_t>(1000LL << shift, 60000);
  std::uniform_int_distribution<std::int64_t> jitter(0, 1000);
  return std::chrono::milliseconds(base + jitter(rng));
}

std::chrono::milliseconds first_heartbeat(std::chrono::milliseconds interval, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> jitter(0.0, 1.0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(static_cast<double>(interval.count()) * jitter(rng)));
}

std::chrono::milliseconds invalid_session_wait(std::mt19937_64& rng) {
  std::uniform_int_distribution<std::int64_t> wait(1000, 5000);
  return std::chrono::milliseconds(wait(rng));
}

}  // namespace parley::discord::gateway
