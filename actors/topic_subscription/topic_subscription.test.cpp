// The topic subscription, one message at a time on the test coordinator:
// ready only once live, drain versus live, gap refill, and local posts
// delivered without a read-back when they follow the last one delivered.
#include "actors/topic_subscription/topic_subscription.hpp"

#include "actors/messages.hpp"
#include "actors/testing/actor_fixture.hpp"
#include "actors/testing/fake_backend_actor.hpp"

using namespace parley;
using parley::testing::fake_store;

namespace {

/// What the subscription told its router.
struct router_log {
  caf::actor sub;
  bool ready = false;
  std::optional<error> failure;
  std::vector<std::string> got;
  int batches = 0;
};

/// Stands in for the router: spawns the subscription (which reports to its
/// parent) and records what it forwards.
caf::behavior stand_in_router(caf::event_based_actor* self, caf::actor backend, std::string topic,
                              std::shared_ptr<router_log> log) {
  log->sub = spawn_topic_subscription(self, std::move(backend), std::move(topic));
  return {
      [log](topic_ready& r) {
        log->ready = !r.failure;
        log->failure = r.failure;
      },
      [log](topic_batch& b) {
        ++log->batches;
        for (auto& m : b.messages) log->got.push_back(m.content);
      },
  };
}

struct subscription_fixture : parley::testing::actor_fixture {
  std::shared_ptr<fake_store> store = std::make_shared<fake_store>();
  caf::actor backend = parley::testing::spawn_fake_backend(sys(), store);
  std::shared_ptr<router_log> log = std::make_shared<router_log>();
  caf::actor router;

  ~subscription_fixture() override {
    self->send_exit(router, caf::exit_reason::user_shutdown);
    self->send_exit(backend, caf::exit_reason::user_shutdown);
    run();
  }

  void start() {
    router = sys().spawn(stand_in_router, backend, "ctx", log);
    run();
  }

  /// Writes through the backend as another process would: stored, not
  /// delivered live unless the store says so.
  stored_post write(const std::string& content) {
    auto r =
        ask<post_result>(backend, post_cmd{post_request{"ctx", "someone", content, std::nullopt}});
    REQUIRE(r.has_value());
    return std::move(*r);
  }

  void live(std::size_t index) {
    parley::testing::deliver_live(store, "ctx", index);
    run();
  }
};

}  // namespace

TEST_CASE_METHOD(subscription_fixture,
                 "subscription: ready once live, then forwards live messages in order") {
  start();
  CHECK(log->ready);
  CHECK(store->subscribers["ctx"].size() == 1);
  write("a");
  write("b");
  live(0);
  live(1);
  CHECK(log->got == std::vector<std::string>{"a", "b"});
}

TEST_CASE_METHOD(subscription_fixture,
                 "subscription: history before subscribing is not forwarded") {
  write("old");
  start();
  write("new");
  live(1);
  CHECK(log->got == std::vector<std::string>{"new"});
}

TEST_CASE_METHOD(subscription_fixture,
                 "subscription: a gap is refilled from the last delivered cursor") {
  start();
  write("a");
  live(0);
  // The live stream drops: b and c are stored but never pushed.
  write("b");
  write("c");
  const int fetches = store->fetches;
  self->send(log->sub, live_gap{});
  run();
  CHECK(store->fetches == fetches + 1);
  CHECK(log->got == std::vector<std::string>{"a", "b", "c"});
}

TEST_CASE_METHOD(subscription_fixture,
                 "subscription: live messages during a drain wait behind it, without twins") {
  start();
  write("a");
  write("b");
  write("c");
  // The gap and the live twin of b and c arrive together: the drain reads
  // a, b, c; the held live b and c are twins of drained ones and dropped.
  self->send(log->sub, live_gap{});
  parley::testing::deliver_live(store, "ctx", 1);
  parley::testing::deliver_live(store, "ctx", 2);
  run();
  CHECK(log->got == std::vector<std::string>{"a", "b", "c"});
  // Live again once the drain is done.
  write("d");
  live(3);
  CHECK(log->got == std::vector<std::string>{"a", "b", "c", "d"});
}

TEST_CASE_METHOD(
    subscription_fixture,
    "subscription: a local post that follows the last one is delivered without a read-back") {
  start();
  write("a");
  live(0);
  auto mine = write("mine");
  const int fetches = store->fetches;
  self->send(log->sub, local_post{mine});
  run();
  CHECK(log->got == std::vector<std::string>{"a", "mine"});
  CHECK(store->fetches == fetches);
}

TEST_CASE_METHOD(subscription_fixture,
                 "subscription: the first local post on an empty topic follows the zero cursor") {
  start();
  auto mine = write("first");
  const int fetches = store->fetches;
  self->send(log->sub, local_post{mine});
  run();
  CHECK(log->got == std::vector<std::string>{"first"});
  CHECK(store->fetches == fetches);
}

TEST_CASE_METHOD(subscription_fixture,
                 "subscription: a local post after an unseen message reads the gap first") {
  start();
  write("a");
  live(0);
  write("unseen");  // another process's post, not delivered live yet
  auto mine = write("mine");
  const int fetches = store->fetches;
  self->send(log->sub, local_post{mine});
  run();
  CHECK(store->fetches == fetches + 1);
  CHECK(log->got == std::vector<std::string>{"a", "unseen", "mine"});
}

TEST_CASE_METHOD(subscription_fixture,
                 "subscription: a local post without a known predecessor is read back") {
  store->knows_previous = false;
  start();
  auto mine = write("mine");
  REQUIRE_FALSE(mine.previous.has_value());
  const int fetches = store->fetches;
  self->send(log->sub, local_post{mine});
  run();
  CHECK(store->fetches == fetches + 1);
  CHECK(log->got == std::vector<std::string>{"mine"});
}

TEST_CASE_METHOD(subscription_fixture,
                 "subscription: a local post during a drain waits for the drain") {
  start();
  write("a");
  auto mine = write("mine");
  self->send(log->sub, live_gap{});
  self->send(log->sub, local_post{mine});
  run();
  // Read with the drain, in order, never ahead of "a".
  CHECK(log->got == std::vector<std::string>{"a", "mine"});
}
