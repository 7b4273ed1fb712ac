// The router's decisions, one message at a time on the test coordinator:
// allowlist, post_topics anchoring, dedup, mention filter, self-echo, reply
// fan-out and long-poll wake-ups.
#include "actors/router/router.hpp"

#include "actors/messages.hpp"
#include "actors/testing/actor_fixture.hpp"
#include "actors/testing/fake_backend_actor.hpp"

using namespace parley;
using parley::testing::fake_store;

namespace {

/// Stands in for an mcp_session: records what the router delivers.
struct recorder {
  std::vector<delivery> got;

  std::vector<std::string> pushed() const {
    std::vector<std::string> out;
    for (const auto& d : got)
      if (d.push) out.push_back(d.msg.content);
    return out;
  }
  std::vector<std::string> all() const {
    std::vector<std::string> out;
    for (const auto& d : got) out.push_back(d.msg.content);
    return out;
  }
};

caf::behavior recording_session(caf::event_based_actor*, std::shared_ptr<recorder> rec) {
  return {[rec](delivery& d) { rec->got.push_back(std::move(d)); }};
}

struct router_fixture : parley::testing::actor_fixture {
  std::shared_ptr<fake_store> store = std::make_shared<fake_store>();
  caf::actor backend = parley::testing::spawn_fake_backend(sys(), store);
  caf::actor router = spawn_router(self.ptr(), backend_door{backend}, router_settings{});

  ~router_fixture() override {
    self->send_exit(router, caf::exit_reason::user_shutdown);
    self->send_exit(backend, caf::exit_reason::user_shutdown);
    run();
  }

  std::shared_ptr<recorder> add_session(session_id id, std::string handle, std::vector<std::string> topics,
                                        std::vector<std::string> patterns = {},
                                        bool mention_filter = false) {
    auto rec = std::make_shared<recorder>();
    auto actor = sys().spawn(recording_session, rec);
    auto profile = std::make_shared<session_profile>();
    profile->handle = std::move(handle);
    auto allow = topic_allowlist::make(topics, std::move(patterns), "parley-presence");
    REQUIRE(allow.has_value());
    profile->allow = std::move(*allow);
    profile->mention_filter = mention_filter;
    profile->block_max_ms = 60'000;
    self->send(router, register_session{id, actor, profile});
    auto joined = ask<join_result>(router, join_topics{id, topics});
    REQUIRE(joined.has_value());
    return rec;
  }

  post_result post(session_id id, const std::string& topic, const std::string& content) {
    mcp::post_args a;
    a.topic = topic;
    a.content = content;
    return ask<post_result>(router, tool_post{id, a});
  }
};

}  // namespace

TEST_CASE_METHOD(router_fixture, "router: one subscription per topic however many sessions join") {
  add_session(1, "a", {"ctx"});
  add_session(2, "b", {"ctx"});
  add_session(3, "c", {"ctx", "other"});
  CHECK(store->subscribers["ctx"].size() == 1);
  CHECK(store->subscribers["other"].size() == 1);
}

TEST_CASE_METHOD(router_fixture, "router: the allowlist is enforced for every tool") {
  add_session(1, "a", {"ctx"}, {"ctx-.*", ".*"});
  CHECK(post(1, "ctx", "ok").has_value());
  CHECK(post(1, "ctx-reviews", "ok").has_value());
  auto bad = post(1, "parley-presence", "spoof");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().message == "topic not allowed: \"parley-presence\"");
  mcp::fetch_recent_args f;
  f.topic = "parley-presence";
  CHECK_FALSE(ask<fetch_result>(router, tool_fetch{1, f}).has_value());
  CHECK(store->posts == 2);
}

TEST_CASE_METHOD(router_fixture, "router: post_topics patterns match the whole topic only") {
  add_session(1, "a", {"ctx"}, {"ctx-[a-z]+"});
  CHECK(post(1, "ctx-reviews", "x").has_value());
  CHECK_FALSE(post(1, "xctx-reviews", "x").has_value());
  CHECK_FALSE(post(1, "ctx-reviews-2", "x").has_value());
  CHECK_FALSE(post(1, "ctx-", "x").has_value());
  CHECK_FALSE(ask<fetch_result>(router, roster_fetch{1, std::string("elsewhere")}).has_value());
  CHECK(ask<fetch_result>(router, roster_fetch{1, std::string("ctx-abc")}).has_value());
}

TEST_CASE_METHOD(router_fixture, "router: a message delivered twice reaches each session once") {
  auto a = add_session(1, "a", {"ctx"});
  auto b = add_session(2, "b", {"ctx"});
  CHECK(post(2, "ctx", "hello").has_value());
  // The local post delivered it; now the backend's live echo arrives too.
  parley::testing::deliver_live(store, "ctx", 0);
  parley::testing::deliver_live(store, "ctx", 0);
  run();
  CHECK(a->all() == std::vector<std::string>{"hello"});
  CHECK(b->all() == std::vector<std::string>{"hello"});
}

TEST_CASE_METHOD(router_fixture, "router: a local post reaches the other sessions without waiting for the backend") {
  auto a = add_session(1, "a", {"ctx"});
  auto b = add_session(2, "b", {"ctx"});
  store->deliver_live_on_post = false;  // a slow backend: no live echo yet
  CHECK(post(1, "ctx", "fan-out").has_value());
  run();
  CHECK(b->pushed() == std::vector<std::string>{"fan-out"});
  // The author counts it as read but is not shown its own post.
  REQUIRE(a->got.size() == 1);
  CHECK_FALSE(a->got[0].push);
}

TEST_CASE_METHOD(router_fixture, "router: self-echo is recognized even when the live path wins the race") {
  auto a = add_session(1, "a", {"ctx"});
  auto b = add_session(2, "b", {"ctx"});
  store->deliver_live_on_post = true;  // the echo arrives before the post's answer
  CHECK(post(1, "ctx", "mine").has_value());
  run();
  REQUIRE(a->got.size() == 1);
  CHECK_FALSE(a->got[0].push);
  CHECK(b->pushed() == std::vector<std::string>{"mine"});
}

TEST_CASE_METHOD(router_fixture, "router: mention_filter hides what does not mention the session") {
  auto a = add_session(1, "a", {"ctx"}, {}, true);
  add_session(2, "b", {"ctx"});
  CHECK(post(2, "ctx", "general").has_value());
  CHECK(post(2, "ctx", "over to you @a").has_value());
  run();
  CHECK(a->all() == std::vector<std::string>{"general", "over to you @a"});
  CHECK(a->pushed() == std::vector<std::string>{"over to you @a"});
}

TEST_CASE_METHOD(router_fixture, "router: deliveries keep cursor order across live and fetched paths") {
  auto a = add_session(1, "a", {"ctx"});
  add_session(2, "b", {"ctx"});
  // Two posts by another process land; only the second is delivered live.
  for (const char* c : {"first", "second"}) {
    message m;
    m.topic = "ctx";
    m.content = c;
    m.sender_handle = "elsewhere";
    m.backend_msg_id = std::to_string(store->next_id++);
    m.cursor = cursor{m.backend_msg_id};
    store->topics["ctx"].push_back(m);
  }
  parley::testing::deliver_live(store, "ctx", 1);
  run();
  CHECK(a->all() == std::vector<std::string>{"second"});
  // A local post follows "second", the last delivered: it goes out at once.
  CHECK(post(2, "ctx", "third").has_value());
  run();
  CHECK(a->all() == std::vector<std::string>{"second", "third"});
}

TEST_CASE_METHOD(router_fixture, "router: a long-poll waits for the next message and is woken by it") {
  add_session(1, "a", {"ctx"});
  add_session(2, "b", {"ctx"});
  CHECK(post(2, "ctx", "old").has_value());
  mcp::fetch_recent_args f;
  f.topic = "ctx";
  f.since = "1";
  f.block_ms = 30'000;
  auto waiting = self->request(router, caf::infinite, tool_fetch{1, f});
  run();
  CHECK(post(2, "ctx", "new").has_value());
  run();
  std::optional<fetch_result> got;
  waiting.receive([&](fetch_result& r) { got = std::move(r); }, [](caf::error&) {});
  REQUIRE(got.has_value());
  REQUIRE(got->has_value());
  REQUIRE((*got)->messages.size() == 1);
  CHECK((*got)->messages[0].content == "new");
}

TEST_CASE_METHOD(router_fixture, "router: a long-poll times out with an empty page at the same cursor") {
  add_session(1, "a", {"ctx"});
  CHECK(post(1, "ctx", "old").has_value());
  mcp::fetch_recent_args f;
  f.topic = "ctx";
  f.since = "1";
  f.block_ms = 5'000;
  auto waiting = self->request(router, caf::infinite, tool_fetch{1, f});
  run();
  const int fetches_before = store->fetches;
  fire_timers();
  std::optional<fetch_result> got;
  waiting.receive([&](fetch_result& r) { got = std::move(r); }, [](caf::error&) {});
  REQUIRE(got.has_value());
  REQUIRE(got->has_value());
  CHECK((*got)->messages.empty());
  CHECK((*got)->next_cursor.text == "1");
  // Woken by its timer, not by polling the backend.
  CHECK(store->fetches == fetches_before);
}

TEST_CASE_METHOD(router_fixture, "router: block_ms is clamped by the session's block_max_ms") {
  auto rec = std::make_shared<recorder>();
  auto actor = sys().spawn(recording_session, rec);
  auto profile = std::make_shared<session_profile>();
  profile->handle = "a";
  profile->allow = *topic_allowlist::make({"ctx"}, {}, "parley-presence");
  profile->block_max_ms = 0;
  self->send(router, register_session{1, actor, profile});
  run();
  mcp::fetch_recent_args f;
  f.topic = "ctx";
  f.since = "0";
  f.block_ms = 10'000'000;
  auto r = ask<fetch_result>(router, tool_fetch{1, f});
  REQUIRE(r.has_value());
  CHECK(r->messages.empty());
  CHECK(r->next_cursor.text == "0");
}
