// Updates Parley does not carry (stickers, edits, service messages, texts
// that are not UTF-8) are skipped with a log line and acknowledged.
#include <catch2/catch.hpp>

#include "backends/telegram/telegram_harness.hpp"
#include "backends/telegram/testing/fake_telegram.hpp"
#include "tests/support/stderr_capture.hpp"
#include "conformance/backend_calls.hpp"
#include "conformance/collecting_sink.hpp"
#include "src/json/writer.hpp"

using namespace parley;
using namespace parley::telegram::testing;
using namespace std::chrono_literals;

TEST_CASE("telegram: other kinds of updates are skipped with a log line", "[telegram][bad-input]") {
  telegram_harness h;
  parley::testing::stderr_capture err;
  auto b = h.connect_backend();
  const auto chat = fresh_chat("supergroup");
  const auto topic = std::to_string(chat);
  conformance::collecting_sink sink;
  auto sub = conformance::subscribe_ok(*b, topic, sink);
  auto& fake = shared_fake();
  fake.post_kind(chat, "sticker");
  fake.post_kind(chat, "service");
  fake.post_kind(chat, "edited_message", "an edit");
  // A lone surrogate: the text is not valid Unicode, so it has no UTF-8.
  (void)fake.control("POST", "post",
                     R"({"chat_id": )" + topic + R"(, "text": "bad \ud800 text SECRET"})");
  fake.post_as_human(chat, "after them");
  auto live = sink.wait_for(1, 5s);
  REQUIRE(live.size() == 1);
  CHECK(live[0].content == "after them");
  auto all = b->fetch_recent({topic, std::nullopt, 100});
  REQUIRE(all);
  CHECK(all->messages.size() == 1);
  const auto text = err.text();
  CHECK_THAT(text, Catch::Contains("without text"));
  CHECK_THAT(text, Catch::Contains("a service message"));
  CHECK_THAT(text, Catch::Contains("not valid UTF-8"));
  CHECK_THAT(text, !Catch::Contains("SECRET"));
  // Every update was acknowledged: nothing is pending at the fake.
  for (int i = 0; i < 50 && fake.member(fake.control("GET", "updates"), "pending") != "0"; ++i)
    std::this_thread::sleep_for(100ms);
  CHECK(fake.member(fake.control("GET", "updates"), "pending") == "0");
}
