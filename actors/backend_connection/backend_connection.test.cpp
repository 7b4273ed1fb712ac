// The backend connection, the one door to a backend: the no-wait path
// answered on the spot, the waiting path on a worker, live delivery turned
// into actor messages, health published.
#include "actors/backend_connection/backend_connection.hpp"

#include <atomic>

#include "actors/testing/actor_fixture.hpp"

using namespace parley;

namespace {

/// A backend whose every answer the test decides. Worker threads call it;
/// the test reads it only after an answer came back.
class scripted_backend final : public backend {
 public:
  /// try_post answers at once (an embedded database with no contention).
  bool writes_without_waiting = true;
  std::atomic<int> posts{0};
  std::atomic<int> try_posts{0};
  subscription_sink* sink = nullptr;
  std::shared_ptr<std::atomic<bool>> cancelled = std::make_shared<std::atomic<bool>>(false);
  health_listener listener;

  const parley::capabilities& capabilities() const noexcept override { return caps_; }
  result<void> connect(const config::value&) override { return {}; }
  void disconnect() override {}

  result<std::unique_ptr<subscription>> subscribe(const std::string&,
                                                  subscription_sink& s) override {
    sink = &s;
    struct flagging final : subscription {
      std::shared_ptr<std::atomic<bool>> flag;
      void cancel() override { *flag = true; }
      ~flagging() override { cancel(); }
    };
    auto sub = std::make_unique<flagging>();
    sub->flag = cancelled;
    return std::unique_ptr<subscription>(std::move(sub));
  }

  result<stored_post> post(const post_request& req) override {
    ++posts;
    return store(req);
  }

  std::optional<result<stored_post>> try_post(const post_request& req) override {
    if (!writes_without_waiting) return std::nullopt;
    ++try_posts;
    return store(req);
  }

  result<page> fetch_recent(const fetch_request& req) override {
    page p;
    p.next_cursor = req.since.value_or(cursor{"0"});
    return p;
  }

  result<identity_ref> resolve_identity(const std::string& handle) override {
    return identity_ref{handle, handle};
  }

  void set_health_listener(health_listener l) override { listener = std::move(l); }

 private:
  result<stored_post> store(const post_request& req) {
    const auto id = std::to_string(++next_);
    return stored_post{stored_message(req, id, cursor{id}, "2026-01-01T00:00:00.000Z"),
                       cursor{std::to_string(next_ - 1)}};
  }

  parley::capabilities caps_;
  std::atomic<int> next_{0};
};

struct live_log {
  std::vector<std::string> got;
  int gaps = 0;
};

caf::behavior live_recorder(caf::event_based_actor*, std::shared_ptr<live_log> log) {
  return {
      [log](live_message& m) { log->got.push_back(m.msg.content); },
      [log](live_gap&) { ++log->gaps; },
  };
}

struct connection_fixture : parley::testing::actor_fixture {
  std::shared_ptr<scripted_backend> plugin = std::make_shared<scripted_backend>();
  std::shared_ptr<runtime_metrics> metrics = std::make_shared<runtime_metrics>();
  caf::actor conn = spawn_backend_connection(self.ptr(), plugin, 1, metrics);

  ~connection_fixture() override {
    self->send_exit(conn, caf::exit_reason::user_shutdown);
    run();
  }

  post_result post(const std::string& content) {
    return ask<post_result>(conn, post_cmd{post_request{"ctx", "me", content, std::nullopt}});
  }
};

}  // namespace

TEST_CASE_METHOD(connection_fixture,
                 "backend connection: a post that needs no waiting is answered on the spot") {
  auto r = post("hello @bob");
  REQUIRE(r.has_value());
  CHECK(plugin->try_posts == 1);
  CHECK(plugin->posts == 0);
  // The answer is the message as stored, not just its id.
  CHECK(r->msg.backend_msg_id == "1");
  CHECK(r->msg.cursor == cursor{"1"});
  CHECK(r->msg.content == "hello @bob");
  CHECK(r->msg.mentions == std::vector<std::string>{"bob"});
  CHECK(r->previous == cursor{"0"});
}

TEST_CASE_METHOD(connection_fixture,
                 "backend connection: a post that would wait goes to a worker") {
  plugin->writes_without_waiting = false;
  auto r = post("slow");
  REQUIRE(r.has_value());
  CHECK(plugin->posts == 1);
  CHECK(plugin->try_posts == 0);
  CHECK(r->msg.content == "slow");
}

TEST_CASE_METHOD(connection_fixture,
                 "backend connection: the door's try_post is the same no-wait write") {
  const post_request req{"ctx", "me", "inline", std::nullopt};
  backend_door door{conn, plugin};
  auto done = door.try_post(req);
  REQUIRE(done.has_value());
  REQUIRE(done->has_value());
  CHECK((*done)->msg.content == "inline");
  plugin->writes_without_waiting = false;
  CHECK_FALSE(door.try_post(req).has_value());
  // Without the plugin every post goes through the actor.
  plugin->writes_without_waiting = true;
  CHECK_FALSE(backend_door{conn}.try_post(req).has_value());
  CHECK(backend_door{conn}.conn() == conn);
}

TEST_CASE_METHOD(
    connection_fixture,
    "backend connection: live messages and gaps reach the subscriber as actor messages") {
  auto log = std::make_shared<live_log>();
  auto target = sys().spawn(live_recorder, log);
  auto live = ask<subscribe_result>(conn, subscribe_cmd{"ctx", target});
  REQUIRE(live.has_value());
  REQUIRE(plugin->sink != nullptr);
  message m;
  m.content = "pushed";
  plugin->sink->on_message(m);
  plugin->sink->on_gap();
  run();
  CHECK(log->got == std::vector<std::string>{"pushed"});
  CHECK(log->gaps == 1);
  // Dropping the handle cancels the subscription.
  CHECK_FALSE(*plugin->cancelled);
  live = subscribe_result{fail(errc::not_connected, "dropped")};
  CHECK(*plugin->cancelled);
  self->send_exit(target, caf::exit_reason::user_shutdown);
}

TEST_CASE_METHOD(connection_fixture, "backend connection: health changes are published") {
  run();  // the connection installs its listener when it starts
  REQUIRE(plugin->listener);
  plugin->listener(health::retrying, "server gone");
  run();
  CHECK(metrics->backend_health().first == health::retrying);
  CHECK(metrics->backend_health().second == "server gone");
  plugin->listener(health::connected, "back");
  run();
  CHECK(metrics->backend_health().first == health::connected);
}
