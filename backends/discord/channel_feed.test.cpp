#include "backends/discord/channel_feed.hpp"

#include <catch2/catch.hpp>

#include "conformance/collecting_sink.hpp"

using namespace parley::discord;
using parley::conformance::collecting_sink;

namespace {

discord_message msg(const std::string& channel, const std::string& id) {
  discord_message m;
  m.channel_id = channel;
  m.id = id;
  m.content = "m" + id;
  return m;
}

}  // namespace

TEST_CASE("the feed delivers each message once, in id order, to its channel", "[discord][feed]") {
  channel_feed feed;
  collecting_sink a, b;
  feed.add("1", "topic-a", a, "5");
  CHECK_FALSE(feed.deliver(msg("1", "5")));  // at the subscription's start: old
  CHECK(feed.deliver(msg("1", "9")));
  CHECK(feed.deliver(msg("1", "10")));        // 10 > 9 as numbers
  CHECK_FALSE(feed.deliver(msg("1", "9")));   // again (a replay, a gap-fill)
  CHECK_FALSE(feed.deliver(msg("2", "11")));  // nobody listens to channel 2
  feed.add("1", "topic-b", b, "10");
  CHECK(feed.deliver(msg("1", "12")));
  auto got = a.snapshot();
  REQUIRE(got.size() == 3);
  CHECK(got[2].backend_msg_id == "12");
  CHECK(got[0].topic == "topic-a");
  REQUIRE(b.snapshot().size() == 1);
  CHECK(b.snapshot()[0].topic == "topic-b");
  CHECK(feed.positions() == std::vector<std::pair<std::string, std::string>>{{"1", "12"}});
}

TEST_CASE("a later subscriber does not move an earlier one's position", "[discord][feed]") {
  channel_feed feed;
  collecting_sink a, b;
  feed.add("1", "t", a, "5");
  feed.add("1", "t", b, "20");
  CHECK(feed.deliver(msg("1", "7")));  // owed to a, older than b's start
  CHECK(a.snapshot().size() == 1);
  CHECK(b.snapshot().empty());
}

TEST_CASE("removed subscribers are never called again", "[discord][feed]") {
  channel_feed feed;
  collecting_sink a;
  auto id = feed.add("1", "t", a, "0");
  feed.remove(id);
  CHECK_FALSE(feed.deliver(msg("1", "3")));
  CHECK(a.snapshot().empty());
  CHECK(feed.empty());
  CHECK(feed.positions().empty());
}

namespace {

struct gap_sink final : parley::subscription_sink {
  int gaps = 0;
  void on_message(parley::message) override {}
  void on_gap() override { ++gaps; }
};

}  // namespace

TEST_CASE("a gap reaches the channel's subscribers only", "[discord][feed]") {
  channel_feed feed;
  gap_sink a, b;
  feed.add("1", "t", a, "0");
  feed.add("2", "u", b, "0");
  feed.gap("1");
  CHECK(a.gaps == 1);
  CHECK(b.gaps == 0);
}
