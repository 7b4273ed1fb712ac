#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <thread>

#include "backends/matrix/matrix_harness.hpp"
#include "backends/matrix/testing/fake_homeserver.hpp"
#include "conformance/collecting_sink.hpp"
#include "conformance/backend_calls.hpp"

using namespace parley;
using namespace parley::matrix;
using namespace parley::matrix::testing;

// The fake cannot die and come back with its data (it keeps everything in
// memory), so this is the fault test's stand-in: while a thread posts at
// about 50/s and a subscriber listens, the homeserver cuts /sync and send
// connections, answers garbage and 429s. Every acknowledged post must
// arrive exactly once and in order, and a send retried after a cut
// connection must not post twice (its transaction id makes the PUT
// idempotent).
TEST_CASE("matrix faults: cut connections, garbage and 429s lose and duplicate nothing", "[matrix][faults]") {
  auto& fake = shared_fake();
  auto b = connect_matrix(fake_config());
  auto poster = connect_matrix(fake_config());
  const std::string topic = "faults-" + std::to_string(std::rand());
  auto room = poster->room_of(topic);
  REQUIRE(room);
  conformance::collecting_sink sink;
  auto sub = conformance::subscribe_ok(*b, topic, sink);

  std::vector<std::string> acked;
  int failed = 0;
  std::string failure;
  std::thread posting([&] {
    for (int i = 0; i < 150; ++i) {
      auto r = poster->post({topic, "me", "p" + std::to_string(i), std::nullopt});
      if (r)
        acked.push_back(r->msg.backend_msg_id);
      else {
        ++failed;
        failure = r.error().message;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  const std::string send_prefix = R"(,"path_prefix":"/_matrix/client/v3/rooms/)" + *room + R"(/send")";
  for (int round = 0; round < 3; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    fake.fault(R"({"kind":"drop","count":2})");
    fake.fault(R"({"kind":"invalid_json"})");
    fake.fault(R"({"kind":"429","retry_after_ms":300})");
    // One cut send per round: a post retries a cut transfer twice, so
    // several cuts in a row would fail it (and the caller would decide).
    fake.fault(round == 1 ? R"({"kind":"drop")" + send_prefix + "}"
                          : R"({"kind":"429","retry_after_ms":200)" + send_prefix + "}");
  }
  posting.join();
  INFO(failure);
  CHECK(failed == 0);
  auto live = sink.wait_for(acked.size(), std::chrono::seconds(20));
  std::vector<std::string> ids;
  for (const auto& m : live) ids.push_back(m.backend_msg_id);
  CHECK(ids == acked);
  // The room holds each post once.
  fetch_request all;
  all.topic = topic;
  all.limit = 1000;
  auto page = b->fetch_recent(all);
  REQUIRE(page);
  CHECK(page->messages.size() == acked.size());
  std::map<std::string, int> contents;
  for (const auto& m : page->messages) ++contents[m.content];
  for (const auto& [content, n] : contents) CHECK(n == 1);
  CHECK(sink.gaps() >= 1);
  (void)fake.control("DELETE", "/_fake/faults");
}
