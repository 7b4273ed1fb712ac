#include "src/presence/roster.hpp"

#include <catch2/catch.hpp>

#include <string>

#include "src/presence/presence_record.hpp"

using namespace parley::presence;
using parley::message;
using parley::topic_allowlist;
using strings = std::vector<std::string>;

namespace {

constexpr std::int64_t now = 1'752'343'391'204;
constexpr std::int64_t minute = 60'000;
const roster_options defaults{};  // ttl 30 min, since 24 h

/// Builds the presence-topic history one beat at a time, cursors ascending.
class history {
 public:
  history& beat(const std::string& handle, beat_kind kind, std::int64_t at, strings topics,
                const std::string& instance = "i-1", strings post_topics = {}) {
    record r;
    r.kind = kind;
    r.at_ms = at;
    r.topics = std::move(topics);
    r.post_topics = std::move(post_topics);
    r.instance_id = instance;
    return raw(handle, encode(r));
  }

  history& raw(const std::string& handle, std::string content) {
    message m;
    m.topic = "parley-presence";
    m.sender_handle = handle;
    m.content = std::move(content);
    m.backend_msg_id = std::to_string(++seq_);
    m.cursor.text = m.backend_msg_id;
    messages_.push_back(std::move(m));
    return *this;
  }

  [[nodiscard]] std::vector<peer> roster(roster_options opts = defaults,
                                         std::int64_t at = now) const {
    return compute_roster(messages_, at, opts);
  }

 private:
  std::vector<message> messages_;
  int seq_ = 0;
};

strings handles_of(const std::vector<peer>& peers) {
  strings out;
  for (const auto& p : peers) out.push_back(p.handle);
  return out;
}

peer make_peer(std::string handle, strings topics, strings post_topics = {}) {
  peer p;
  p.handle = std::move(handle);
  p.online = true;
  p.topics = std::move(topics);
  p.post_topics = std::move(post_topics);
  p.last_seen_ms = now;
  return p;
}

topic_allowlist allowlist(strings topics, strings patterns = {}) {
  auto made = topic_allowlist::make(std::move(topics), std::move(patterns), "parley-presence");
  REQUIRE(made.has_value());
  return std::move(made).value();
}

}  // namespace

TEST_CASE("roster: live peers, most recently seen first, ties by handle") {
  history h;
  h.beat("bob", beat_kind::hello, now - 3 * minute, {"ctx"})
      .beat("alice", beat_kind::hello, now - 1 * minute, {"ctx", "ops"})
      .beat("carol", beat_kind::heartbeat, now - 3 * minute, {"reviews"})
      .beat("dave", beat_kind::hello, now - 2 * minute, {"ctx"});
  const auto r = h.roster();
  CHECK(handles_of(r) == strings{"alice", "dave", "bob", "carol"});
  CHECK(r[0] == peer{"alice", true, {"ctx", "ops"}, {}, now - minute});
  for (const auto& p : r) CHECK(p.online);
}

TEST_CASE("roster: the tie-break is JavaScript string order (UTF-16 code units)") {
  history h;
  // U+FF21 (fullwidth A, one unit 0xFF21) sorts after U+1F600 (surrogates 0xD83D..)
  // in JavaScript, though its UTF-8 bytes sort first.
  h.beat("\xEF\xBC\xA1", beat_kind::hello, now, {"ctx"})
      .beat("\xF0\x9F\x98\x80", beat_kind::hello, now, {"ctx"})
      .beat("b", beat_kind::hello, now, {"ctx"})
      .beat("B", beat_kind::hello, now, {"ctx"});
  CHECK(handles_of(h.roster()) == strings{"B", "b", "\xF0\x9F\x98\x80", "\xEF\xBC\xA1"});
}

TEST_CASE("roster: a beat exactly ttl old is offline") {
  history h;
  h.beat("fresh", beat_kind::heartbeat, now - (30 * minute - 1), {"ctx"})
      .beat("stale", beat_kind::heartbeat, now - 30 * minute, {"ctx"});
  const auto r = h.roster();
  REQUIRE(r.size() == 2);
  CHECK(r[0].handle == "fresh");
  CHECK(r[0].online);
  CHECK(r[1].handle == "stale");
  CHECK_FALSE(r[1].online);  // still listed: within since_ms
  CHECK(r[1].topics == strings{"ctx"});

  roster_options short_ttl;
  short_ttl.ttl_ms = 1000;
  for (const auto& p : h.roster(short_ttl)) CHECK_FALSE(p.online);
}

TEST_CASE("roster: offline peers stay until since_ms, then drop") {
  roster_options opts;
  opts.ttl_ms = 10 * minute;
  opts.since_ms = 60 * minute;
  history h;
  h.beat("recent", beat_kind::heartbeat, now - 59 * minute, {"ctx"})
      .beat("edge", beat_kind::heartbeat, now - 60 * minute, {"ctx"})
      .beat("old", beat_kind::heartbeat, now - 600 * minute, {"ctx"})
      .beat("left", beat_kind::goodbye, now - minute, {"ctx"});
  const auto r = h.roster(opts);
  CHECK(handles_of(r) == strings{"left", "recent"});
  for (const auto& p : r) CHECK_FALSE(p.online);

  // since_ms never hides an online peer.
  opts.since_ms = 0;
  history live;
  live.beat("on", beat_kind::hello, now, {"ctx"});
  REQUIRE(live.roster(opts).size() == 1);
  CHECK(live.roster(opts)[0].online);
}

TEST_CASE("roster: a goodbye after a heartbeat ends that instance only") {
  SECTION("same instance: goodbye wins because it comes later in cursor order") {
    history h;
    h.beat("bob", beat_kind::hello, now - 5 * minute, {"ctx"}, "p1")
        .beat("bob", beat_kind::heartbeat, now - 2 * minute, {"ctx"}, "p1")
        .beat("bob", beat_kind::goodbye, now - 2 * minute, {"ctx"}, "p1");
    const auto r = h.roster();
    REQUIRE(r.size() == 1);
    CHECK_FALSE(r[0].online);
    CHECK(r[0].last_seen_ms == now - 2 * minute);
  }
  SECTION("a heartbeat after the goodbye revives the instance (order decides, not kind)") {
    history h;
    h.beat("bob", beat_kind::goodbye, now - 2 * minute, {"ctx"}, "p1")
        .beat("bob", beat_kind::heartbeat, now - 2 * minute, {"ctx"}, "p1");
    CHECK(h.roster()[0].online);
  }
  SECTION("a restart's hello survives the old process's trailing goodbye (#14)") {
    history h;
    h.beat("bob", beat_kind::heartbeat, now - 3 * minute, {"ctx"}, "old-process")
        .beat("bob", beat_kind::hello, now - 2 * minute, {"ctx"}, "new-process")
        .beat("bob", beat_kind::goodbye, now - 1 * minute, {"ctx"}, "old-process");
    const auto r = h.roster();
    REQUIRE(r.size() == 1);
    CHECK(r[0].online);
    CHECK(r[0].last_seen_ms == now - minute);  // the goodbye is the latest sighting
  }
  SECTION("beats without an instanceId share one anonymous instance per handle") {
    history h;
    h.beat("bob", beat_kind::hello, now - 2 * minute, {"ctx"}, "")
        .raw("bob", R"({"v":2,"kind":"goodbye","at":)" + std::to_string(now - minute) +
                        R"(,"topics":["ctx"]})");
    CHECK_FALSE(h.roster()[0].online);
  }
}

TEST_CASE("roster: topics are the union over live instances; offline shows the newest beat") {
  history h;
  h.beat("bob", beat_kind::hello, now - 3 * minute, {"ctx", "ops"}, "a", {"ops-.*"})
      .beat("bob", beat_kind::hello, now - 2 * minute, {"ops", "reviews"}, "b",
            {"rev-.*", "ops-.*"})
      .beat("bob", beat_kind::goodbye, now - 1 * minute, {"gone"}, "c", {"gone-.*"})
      .beat("bob", beat_kind::heartbeat, now - 100 * minute, {"stale"}, "d");
  auto r = h.roster();
  REQUIRE(r.size() == 1);
  CHECK(r[0].online);
  CHECK(r[0].topics == strings{"ctx", "ops", "reviews"});
  CHECK(r[0].post_topics == strings{"ops-.*", "rev-.*"});
  CHECK(r[0].last_seen_ms == now - minute);

  // An hour later nothing is live: the single newest record speaks for bob,
  // whatever its kind.
  r = h.roster(defaults, now + 60 * minute);
  REQUIRE(r.size() == 1);
  CHECK_FALSE(r[0].online);
  CHECK(r[0].topics == strings{"gone"});
  CHECK(r[0].post_topics == strings{"gone-.*"});

  // On equal `at` the instance first seen last wins, whatever was written
  // most recently: the original reduces over its Map in insertion order.
  history tie;
  tie.beat("eve", beat_kind::goodbye, now - minute, {"first"}, "x")
      .beat("eve", beat_kind::goodbye, now - minute, {"second"}, "y")
      .beat("eve", beat_kind::goodbye, now - minute, {"third"}, "x");
  CHECK(tie.roster()[0].topics == strings{"second"});
}

TEST_CASE("roster: beats from the future are ignored") {
  history h;
  h.beat("skewed", beat_kind::hello, now + 5 * minute + 1, {"ctx"})
      .beat("ok", beat_kind::hello, now + 5 * minute, {"ctx"})
      .beat("ok", beat_kind::heartbeat, now + 10 * minute, {"spoof"});
  const auto r = h.roster();
  REQUIRE(r.size() == 1);
  CHECK(r[0].handle == "ok");
  CHECK(r[0].online);
  CHECK(r[0].topics == strings{"ctx"});
  CHECK(r[0].last_seen_ms == now + 5 * minute);
}

TEST_CASE("roster: non-presence content and other versions are ignored") {
  history h;
  h.raw("noise", "hello everyone")
      .raw("noise", "")
      .raw("noise",
           R"({"v":1,"kind":"hello","at":)" + std::to_string(now) + R"(,"topics":["ctx"]})")
      .raw("noise",
           R"({"v":3,"kind":"hello","at":)" + std::to_string(now) + R"(,"topics":["ctx"]})")
      .raw("noise", R"([{"v":2}])")
      .beat("bob", beat_kind::hello, now - minute, {"ctx"})
      .raw("bob", "{not json")
      .raw("bob", R"({"v":2,"kind":"goodbye","at":"soon","topics":["ctx"],"instanceId":"i-1"})");
  const auto r = h.roster();
  CHECK(handles_of(r) == strings{"bob"});
  CHECK(r[0].online);  // the malformed goodbye did not count
}

TEST_CASE("roster: peers are keyed by the backend's sender, not by what the content says") {
  history h;
  // A beat whose content claims nothing about who sent it; the same content
  // from two accounts is two peers.
  h.beat("matrix-bot", beat_kind::hello, now - minute, {"ctx"})
      .beat("slack-bot", beat_kind::hello, now - minute, {"ctx"});
  CHECK(handles_of(h.roster()) == strings{"matrix-bot", "slack-bot"});
}

TEST_CASE("roster: caps on hostile beats hold through the roster") {
  strings topics;
  for (int i = 0; i < 100; ++i) topics.push_back("t" + std::to_string(i));
  topics.insert(topics.begin(), std::string(513, 'x'));
  history h;
  h.beat("wide", beat_kind::hello, now, topics, std::string(300, 'i'));
  const auto r = h.roster();
  REQUIRE(r.size() == 1);
  REQUIRE(r[0].topics.size() == 64);
  CHECK(r[0].topics.front() == "t0");
}

TEST_CASE("reachability: scoped keeps subscribers and peers whose pattern matches") {
  const auto mine = allowlist({"ctx"}, {"team-.*"});
  std::vector<peer> peers{
      make_peer("sub", {"team-a"}), make_peer("pattern", {"other"}, {"team-[a-z]"}),
      make_peer("prefix-only", {"other"}, {"team"}), make_peer("none", {"ctx"})};
  CHECK(handles_of(filter_reachable(peers, mine, std::string("team-a"))) ==
        strings{"sub", "pattern"});
  CHECK(handles_of(filter_reachable(peers, mine, std::string("ctx"))) == strings{"none"});
  CHECK(filter_reachable(peers, mine, std::string("nowhere")).empty());
}

TEST_CASE("reachability: unscoped works in either direction") {
  const auto mine = allowlist({"ctx", "ops"}, {"team-.*"});
  std::vector<peer> peers{
      make_peer("listens-on-mine", {"ctx"}),
      make_peer("listens-on-my-pattern", {"team-x"}),      // I can post there via my pattern
      make_peer("posts-to-mine", {"elsewhere"}, {"o.s"}),  // its pattern reaches my `ops`
      make_peer("posts-to-my-pattern-only", {"elsewhere"}, {"team-.*"}),  // I do not listen there
      make_peer("unrelated", {"elsewhere"}, {"nope-.*"}),
      make_peer("presence-only", {"parley-presence"}),  // reserved: never reachable
  };
  CHECK(handles_of(filter_reachable(peers, mine, std::nullopt)) ==
        strings{"listens-on-mine", "listens-on-my-pattern", "posts-to-mine"});
}

TEST_CASE("reachability: peer patterns are full-match anchored") {
  const auto mine = allowlist({"my-ops-secret"});
  std::vector<peer> peers{make_peer("ops", {"x"}, {"ops"}), make_peer("wide", {"x"}, {".*ops.*"})};
  CHECK(handles_of(filter_reachable(peers, mine, std::nullopt)) == strings{"wide"});
  CHECK_FALSE(peer_pattern_matches("ops", "my-ops-secret"));
  CHECK(peer_pattern_matches("ops", "ops"));
  CHECK(peer_pattern_matches("a|b", "b"));  // the wrapper's group keeps `|` inside
  CHECK_FALSE(peer_pattern_matches("a|b", "ab"));
}

TEST_CASE("redos screen: the documented catastrophic shapes are refused") {
  for (const char* src : {"(x+)+", "(a|a)*", "(x*){15}", "(x+){2,5}", "([a-z-]*){15}", "(a+)+$",
                          "((([a-z-]+)+)+)+[0-9]", "(x*){2,}", "(x?){250}", "(?:a|b)+", "(a|aa)+",
                          "((a)*)*", "(a{1,3})+"}) {
    INFO(src);
    CHECK_FALSE(peer_pattern_is_safe(src));
  }
}

TEST_CASE("redos screen: more than four unbounded quantifiers are refused") {
  CHECK(peer_pattern_is_safe(".*.*.*.*"));
  CHECK_FALSE(peer_pattern_is_safe(".*.*.*.*.*"));
  CHECK(peer_pattern_is_safe("a+b+c+d+"));
  CHECK_FALSE(peer_pattern_is_safe("a+b+c+d+e+"));
  CHECK_FALSE(peer_pattern_is_safe("a{1,}b{2,}c{3,}d{4,}e{5,}"));
}

TEST_CASE("redos screen: ordinary topic patterns pass") {
  for (const char* src : {"ctx", "ctx-.*", "team-[a-z0-9]+", "(ctx|ops)-.*", "(?:ab)+", "(ab){3}",
                          "x?", "[(+*|]+x", "\\(a+\\)+", "t-[0-9]{1,4}", "[0-9a-f]{8}-[0-9a-f]{4}",
                          "(?:a|b)?c", "ctx-\\d+", "caf\xC3\xA9+", "a{2}b"}) {
    INFO(src);
    CHECK(peer_pattern_is_safe(src));
  }
}

TEST_CASE("redos screen: shapes that are only dangerous to std::regex are refused too") {
  std::string optional_chain;
  for (int i = 0; i < 17; ++i) optional_chain += ".?";
  for (const std::string& src : strings{
           std::string("a*+"), std::string("a**"), std::string("a{2}{3}"),
           std::string("a?*"),                                   // stacked
           std::string("(?:){30000}"), std::string("(){2000}"),  // unrolled at compile time
           std::string("a)"), std::string("(a"), std::string("[a"),
           std::string("a\\"),                                         // unbalanced
           std::string("*a"), std::string("(*)"), std::string("a|*"),  // nothing to repeat
           std::string("a{3,1}"), optional_chain,  // 2^17 paths with no nested group at all
       }) {
    INFO(src);
    CHECK_FALSE(peer_pattern_is_safe(src));
  }
  std::string sixteen;
  for (int i = 0; i < 16; ++i) sixteen += "a?";
  CHECK(peer_pattern_is_safe(sixteen));
}

TEST_CASE("peer patterns: catastrophic sources never run, even against long input") {
  const std::string hostile_input = std::string(100000, 'a') + "!";
  CHECK_FALSE(peer_pattern_matches("(a+)+$", hostile_input));
  CHECK_FALSE(peer_pattern_matches("(a|a)*", hostile_input));
  CHECK_FALSE(peer_pattern_matches("a*+", std::string(30, 'a') + "b"));
  // The worst shape the screen accepts finishes promptly on the 64-character cut.
  CHECK_FALSE(peer_pattern_matches(".*.*.*.*x", std::string(1000, 'a')));

  const auto mine = allowlist({std::string(60, 'a') + "!"});
  std::vector<peer> peers;
  for (int i = 0; i < 50; ++i) {
    peers.push_back(
        make_peer("p" + std::to_string(i), {"x"}, {"(a+)+", "([a-z-]*){15}[0-9]", ".*.*.*.*b"}));
  }
  CHECK(filter_reachable(peers, mine, std::nullopt).empty());
  CHECK(filter_reachable(peers, mine, hostile_input).empty());
}

TEST_CASE("peer patterns: over 512 characters are skipped") {
  // `ctx` followed by a class repeated zero times, padded to length.
  auto padded = [](std::size_t length) { return "ctx[" + std::string(length - 8, 'q') + "]{0}"; };
  REQUIRE(padded(512).size() == 512);
  CHECK(peer_pattern_matches(padded(512), "ctx"));
  CHECK_FALSE(peer_pattern_is_safe(padded(513)));
  CHECK_FALSE(peer_pattern_matches(padded(513), "ctx"));
}

TEST_CASE("peer patterns: input is cut to its first 64 characters") {
  const std::string hundred(100, 'a');
  CHECK(peer_pattern_matches("a{64}", hundred));
  CHECK_FALSE(peer_pattern_matches("a{65}", hundred));
  CHECK(peer_pattern_matches("a{10}", std::string(10, 'a')));
  // The cut never splits a character: 63 + an emoji (2 units) keeps 63.
  CHECK(peer_pattern_matches("a{63}", std::string(63, 'a') + "\xF0\x9F\x98\x80"));
  CHECK(peer_pattern_matches("a{62}.z",
                             std::string(62, 'a') + "\xC3\xA9" + "zzz"));  // é is one character
}

TEST_CASE("peer patterns: sources that do not compile are skipped") {
  CHECK_FALSE(peer_pattern_matches("[z-a]", "a"));
  CHECK_FALSE(peer_pattern_matches("(?<=a)b", "b"));
  const auto mine = allowlist({"ctx"});
  std::vector<peer> peers{make_peer("broken", {"x"}, {"[z-a]", "ctx"})};
  CHECK(handles_of(filter_reachable(peers, mine, std::nullopt)) ==
        strings{"broken"});  // the good one still counts
}
