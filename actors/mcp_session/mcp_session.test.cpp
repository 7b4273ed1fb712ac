// An MCP session with the real router and a fake backend connection, one
// message at a time on the test coordinator: catch-up order, what is never
// pushed again, own posts and mentions on catch-up, first run from the tail.
#include "actors/mcp_session/mcp_session.hpp"

#include "actors/router/router.hpp"
#include "actors/testing/actor_fixture.hpp"
#include "actors/testing/fake_backend_actor.hpp"

using namespace parley;
using parley::testing::fake_store;

namespace {

/// Collects what the session writes to its client.
class recording_output final : public session_output {
 public:
  void response(const std::string&, std::shared_ptr<const std::string> json) override {
    responses.push_back(*json);
  }
  void notification(std::shared_ptr<const std::string> json,
                    const droppable_event* event) override {
    if (event) events.push_back(*json);
  }

  /// The channel events whose body contains `text`, counted.
  [[nodiscard]] std::size_t count(const std::string& text) const {
    std::size_t n = 0;
    for (const auto& e : events)
      if (e.find("\"" + text + "\"") != std::string::npos) ++n;
    return n;
  }
  /// Index of the first event carrying `text`; events.size() when none.
  [[nodiscard]] std::size_t position(const std::string& text) const {
    for (std::size_t i = 0; i < events.size(); ++i)
      if (events[i].find("\"" + text + "\"") != std::string::npos) return i;
    return events.size();
  }

  std::vector<std::string> responses;
  std::vector<std::string> events;
};

struct session_fixture : parley::testing::actor_fixture {
  std::shared_ptr<fake_store> store = std::make_shared<fake_store>();
  caf::actor backend = parley::testing::spawn_fake_backend(sys(), store);
  caf::actor router = spawn_router(self.ptr(), backend_door{backend}, router_settings{});
  std::shared_ptr<recording_output> out = std::make_shared<recording_output>();
  caf::actor session;

  ~session_fixture() override {
    if (session) self->send_exit(session, caf::exit_reason::user_shutdown);
    self->send_exit(router, caf::exit_reason::user_shutdown);
    self->send_exit(backend, caf::exit_reason::user_shutdown);
    run();
  }

  /// Another process posts; stored, delivered live only when asked.
  void stored(const std::string& content, const std::string& sender = "someone") {
    auto r =
        ask<post_result>(backend, post_cmd{post_request{"ctx", sender, content, std::nullopt}});
    REQUIRE(r.has_value());
  }

  void start(std::map<std::string, std::string> read_cursors, bool mention_filter = false) {
    auto profile = std::make_shared<session_profile>();
    profile->handle = "me";
    auto allow = topic_allowlist::make({"ctx"}, {}, "parley-presence");
    REQUIRE(allow.has_value());
    profile->allow = std::move(*allow);
    profile->mention_filter = mention_filter;
    session_settings s;
    s.id = 1;
    s.profile = std::move(profile);
    s.output = out;
    s.router = router;
    s.backend_conn = backend;
    s.live_push = true;
    s.presence_enabled = false;
    s.initial_read_cursors = std::move(read_cursors);
    session = spawn_mcp_session(sys(), std::move(s));
    run();
    self->send(session, rpc_input{R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{)"
                                  R"("protocolVersion":"2025-06-18","capabilities":{},)"
                                  R"("clientInfo":{"name":"test","version":"1"}}})"});
    self->send(session, rpc_input{R"({"jsonrpc":"2.0","method":"notifications/initialized"})"});
    run();
  }

  void live(std::size_t index) {
    parley::testing::deliver_live(store, "ctx", index);
    run();
  }
};

}  // namespace

TEST_CASE_METHOD(session_fixture,
                 "session: catch-up pushes what was missed since the read cursor, in order") {
  stored("seen before");
  stored("missed one");
  stored("missed two");
  start({{"ctx", "1"}});
  CHECK(out->count("seen before") == 0);
  REQUIRE(out->count("missed one") == 1);
  REQUIRE(out->count("missed two") == 1);
  CHECK(out->position("missed one") < out->position("missed two"));
  // Live messages come after the catch-up.
  stored("live");
  live(3);
  CHECK(out->position("missed two") < out->position("live"));
}

TEST_CASE_METHOD(session_fixture,
                 "session: a message shown by the catch-up is never pushed again") {
  stored("alpha");
  stored("beta");
  start({{"ctx", "0"}});
  REQUIRE(out->count("beta") == 1);
  // The backend's live echo of beta arrives late: counted as read, not shown.
  live(1);
  live(1);
  CHECK(out->count("alpha") == 1);
  CHECK(out->count("beta") == 1);
}

TEST_CASE_METHOD(session_fixture,
                 "session: the catch-up does not show its own posts or unmentioned ones") {
  stored("from me", "me");
  stored("general");
  stored("over to @me");
  start({{"ctx", "0"}}, true);
  CHECK(out->count("from me") == 0);
  CHECK(out->count("general") == 0);
  CHECK(out->count("over to @me") == 1);
}

TEST_CASE_METHOD(session_fixture,
                 "session: a first run starts at the tail and pushes only what comes next") {
  stored("history");
  start({});
  CHECK(out->events.empty());
  stored("next");
  live(1);
  CHECK(out->count("history") == 0);
  CHECK(out->count("next") == 1);
}

TEST_CASE_METHOD(session_fixture,
                 "session: on a first run, a message that arrives live while the tail is read is pushed") {
  // A person sees the session arrive and speaks at once: the message is
  // stored, and delivered live, while the session reads the topic's tail.
  stored("history");
  stored("spoke at once");
  store->before_next_fetch = [this] { parley::testing::deliver_live(store, "ctx", 1); };
  start({});
  CHECK(out->count("history") == 0);
  CHECK(out->count("spoke at once") == 1);
}

TEST_CASE_METHOD(session_fixture,
                 "session: on a first run, a message the tail read already shows is still pushed when it comes live") {
  // The archive can show a message before its live copy has come through:
  // here the tail read finds "spoke at once", and its live copy arrives
  // only after the catch-up is over. The tail read must not swallow it.
  stored("history");
  stored("spoke at once");
  start({});
  CHECK(out->events.empty());
  live(1);
  CHECK(out->count("spoke at once") == 1);
  // A late duplicate of the live copy is not shown twice.
  live(1);
  CHECK(out->count("spoke at once") == 1);
  CHECK(out->count("history") == 0);
}
