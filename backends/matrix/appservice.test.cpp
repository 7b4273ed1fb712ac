#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "backends/matrix/matrix_harness.hpp"
#include "backends/matrix/testing/appservice_fixture.hpp"
#include "backends/matrix/transaction_inbox.hpp"
#include "conformance/backend_calls.hpp"
#include "conformance/collecting_sink.hpp"

using namespace parley;
using namespace parley::matrix;
using namespace parley::matrix::testing;

namespace {

std::vector<std::string> senders(const std::vector<message>& ms) {
  std::vector<std::string> out;
  for (const auto& m : ms) out.push_back(m.sender_handle);
  return out;
}

}  // namespace

TEST_CASE("matrix appservice: each handle posts as its own user, read back as the handle", "[matrix][appservice]") {
  appservice_fixture as;
  auto b = connect_matrix(as.config());
  CHECK(b->capabilities().sender_is_identity);
  CHECK(b->user_id() == "@parley_bridge:parley.local");
  CHECK(b->transaction_port() == as.port);
  const std::string topic = "as-" + std::to_string(std::rand());
  conformance::collecting_sink sink;
  auto sub = conformance::subscribe_ok(*b, topic, sink);
  conformance::post_ok(*b, topic, "from alice", "alice");
  conformance::post_ok(*b, topic, "from Carol", "Carol");
  conformance::post_ok(*b, topic, "alice again", "alice");
  const std::vector<std::string> want{"alice", "Carol", "alice"};
  CHECK(senders(sink.wait_for(3, std::chrono::seconds(10))) == want);
  auto page = conformance::fetch(*b, topic);
  REQUIRE(page);
  CHECK(senders(page->messages) == want);

  // On the homeserver they are distinct users of the appservice's namespace.
  auto timeline = as.fake->control("GET", "/_fake/rooms/" + std::string("%23parley_") + topic + "%3Aparley.local/timeline");
  CHECK(timeline.find(R"("sender": "@parley_alice:parley.local")") != std::string::npos);
  CHECK(timeline.find("@parley__arol-") != std::string::npos);  // upper case folded, with the sha1 suffix
  // Our listener took the pushed transactions.
  auto txns = as.fake->control("GET", "/_fake/appservice/transactions");
  CHECK(txns.find(R"("delivered": [])") == std::string::npos);
}

TEST_CASE("matrix appservice: pushed transactions deliver while /sync waits", "[matrix][appservice]") {
  appservice_fixture as;
  auto b = connect_matrix(as.config());
  const std::string topic = "as-push-" + std::to_string(std::rand());
  auto room = b->room_of(topic);
  REQUIRE(room);
  conformance::collecting_sink sink;
  auto sub = conformance::subscribe_ok(*b, topic, sink);
  as.fake->fault(R"({"kind":"429","retry_after_ms":5000})");
  as.fake->inject(*room, "human", R"({"msgtype":"m.text","body":"one"})");
  REQUIRE(sink.wait_for(1, std::chrono::seconds(5)).size() == 1);
  const auto start = std::chrono::steady_clock::now();
  as.fake->inject(*room, "human", R"({"msgtype":"m.text","body":"two"})");
  auto live = sink.wait_for(2, std::chrono::seconds(10));
  REQUIRE(live.size() == 2);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(2500));
  CHECK(live[1].content == "two");
  CHECK(live[1].sender_handle == "@human:parley.local");
  // Once the sync comes back, nothing arrives twice.
  std::this_thread::sleep_for(std::chrono::milliseconds(5500));
  CHECK(sink.snapshot().size() == 2);
}

TEST_CASE("matrix appservice: the transaction inbox checks the token and skips repeats", "[matrix][appservice]") {
  std::vector<std::pair<std::string, std::vector<std::string>>> got;
  transaction_inbox inbox("hs-secret", [&](const std::string& room, std::vector<room_event> events) {
    std::vector<std::string> ids;
    for (auto& e : events) ids.push_back(e.event_id);
    got.emplace_back(room, ids);
  });
  const std::string body = R"({"events":[{"event_id":"$1","room_id":"!a","type":"m.room.message","content":{"body":"x"}},
    {"event_id":"$2","room_id":"!a","type":"m.room.message","content":{"body":"y"}},
    {"event_id":"$3","room_id":"!b","type":"m.room.message","content":{"body":"z"}}, 7]})";
  inbound_request req{"PUT", "/_matrix/app/v1/transactions/17", "Bearer hs-secret", body};
  CHECK(inbox.handle(req).status == 200);
  CHECK(inbox.handle(req).status == 200);  // the homeserver's retry: answered, not delivered again
  REQUIRE(got.size() == 2);
  CHECK(got[0] == std::pair<std::string, std::vector<std::string>>{"!a", {"$1", "$2"}});
  CHECK(got[1] == std::pair<std::string, std::vector<std::string>>{"!b", {"$3"}});

  CHECK(inbox.handle({"PUT", "/_matrix/app/v1/transactions/18", "Bearer wrong", body}).status == 403);
  CHECK(inbox.handle({"PUT", "/_matrix/app/v1/transactions/18", "", body}).status == 401);
  CHECK(inbox.handle({"GET", "/_matrix/app/v1/transactions/18", "Bearer hs-secret", body}).status == 404);
  CHECK(inbox.handle({"PUT", "/_matrix/app/v1/users/x", "Bearer hs-secret", ""}).status == 404);
  CHECK(inbox.handle({"PUT", "/_matrix/app/v1/transactions/19", "Bearer hs-secret", "{garbage"}).status == 200);
  CHECK(got.size() == 2);
}
