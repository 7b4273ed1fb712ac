#include <catch2/catch.hpp>

#include <cstdlib>
#include <stdexcept>

#include "backends/discord/discord_harness.hpp"
#include "conformance/cases.hpp"

// The conformance cases against a real guild, when credentials are given:
//   PARLEY_DISCORD_TOKEN=<bot token>  PARLEY_DISCORD_CHANNEL=<text channel id>
//   [PARLEY_DISCORD_API_URL=https://discord.com/api/v10]
// The bot needs View Channel, Send Messages and Read Message History in the
// channel, and MESSAGE CONTENT INTENT switched on in the Developer Portal.
// A guild cannot hand out a fresh channel per case, so every topic is that
// one channel, and only the cases that hold on a channel with history run
// here. Without the variables each case passes with a warning; the same
// cases against the fake (discord_conformance.test.cpp) never skip.

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string{} : std::string(v);
}

bool live_configured() {
  if (!env("PARLEY_DISCORD_TOKEN").empty() && !env("PARLEY_DISCORD_CHANNEL").empty()) return true;
  WARN("discord-live skipped: set PARLEY_DISCORD_TOKEN and PARLEY_DISCORD_CHANNEL to run the conformance cases "
       "against a real guild");
  return false;
}

/// Every topic is the channel of $PARLEY_DISCORD_CHANNEL.
class live_harness final : public parley::conformance::harness {
 public:
  live_harness() {
    cfg_.token = env("PARLEY_DISCORD_TOKEN");
    if (auto u = env("PARLEY_DISCORD_API_URL"); !u.empty()) cfg_.api_url = u;
  }
  [[nodiscard]] std::unique_ptr<parley::backend> connect_backend() override {
    return parley::discord::testing::connect_discord(cfg_);
  }
  [[nodiscard]] std::string fresh_topic() override { return env("PARLEY_DISCORD_CHANNEL"); }
  [[nodiscard]] std::chrono::milliseconds live_timeout() const override { return std::chrono::seconds(15); }

 private:
  parley::discord::discord_config cfg_;
};

}  // namespace

#define PARLEY_DISCORD_LIVE_CASE(NAME)                                          \
  TEST_CASE("conformance/discord-live: " #NAME, "[conformance][discord-live]") { \
    if (!live_configured()) return;                                             \
    live_harness h;                                                             \
    ::parley::conformance::NAME(h);                                             \
  }

PARLEY_DISCORD_LIVE_CASE(since_is_exclusive)
PARLEY_DISCORD_LIVE_CASE(since_at_tail_is_empty_and_stable)
PARLEY_DISCORD_LIVE_CASE(live_and_fetched_ids_agree)
PARLEY_DISCORD_LIVE_CASE(block_hint_wakes_or_is_bounded)
PARLEY_DISCORD_LIVE_CASE(subscribe_delivers_only_newer)
PARLEY_DISCORD_LIVE_CASE(disconnect_stops_delivery)
PARLEY_DISCORD_LIVE_CASE(two_subscribers_each_get_every_message_once)
PARLEY_DISCORD_LIVE_CASE(other_instance_post_arrives_live)
