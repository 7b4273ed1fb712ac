// The gateway's per-session output: answers reach the POST that asked,
// events get ids and replay, and a client that falls behind is told what it
// missed instead of the gateway buffering without bound.
#include "actors/transport/http/http_session_output.hpp"

#include <catch2/catch.hpp>

using namespace parley;

namespace {

/// An event stream whose backlog the test sets.
class fake_stream final : public http::event_stream {
 public:
  std::vector<std::pair<std::string, std::string>> events;
  std::size_t backlog_bytes = 0;
  bool is_closed = false;

  bool send(const std::string& id, const std::string& data) override {
    events.emplace_back(id, data);
    return true;
  }
  bool comment(const std::string&) override { return true; }
  std::size_t backlog() const override { return backlog_bytes; }
  bool closed() const override { return is_closed; }
  void close() override { is_closed = true; }
  void on_close(std::function<void()>) override {}
};

std::shared_ptr<const std::string> text(std::string s) { return std::make_shared<const std::string>(std::move(s)); }

}  // namespace

TEST_CASE("http output: answers go to the POST that asked, in its order") {
  http_session_output out(10, 1 << 20);
  std::vector<std::string> got;
  out.expect({"1", "\"b\""}, [&](std::vector<std::shared_ptr<const std::string>> answers) {
    for (auto& a : answers) got.push_back(*a);
  });
  out.response("\"b\"", text("B"));
  CHECK(got.empty());
  out.response("99", text("nobody asked"));
  out.response("1", text("A"));
  CHECK(got == std::vector<std::string>{"A", "B"});
}

TEST_CASE("http output: events are numbered and replayed after Last-Event-ID") {
  http_session_output out(2, 1 << 20);
  out.notification(text("e1"), nullptr);
  out.notification(text("e2"), nullptr);
  out.notification(text("e3"), nullptr);
  auto stream = std::make_shared<fake_stream>();
  REQUIRE(out.attach(stream, std::uint64_t{1}));
  // Only the last two are kept; both come after id 1.
  REQUIRE(stream->events.size() == 2);
  CHECK(stream->events[0] == std::pair<std::string, std::string>{"2", "e2"});
  CHECK(stream->events[1] == std::pair<std::string, std::string>{"3", "e3"});
  CHECK_FALSE(out.attach(std::make_shared<fake_stream>(), std::nullopt));
}

TEST_CASE("http output: events emitted before the first stream opens are sent when it does") {
  http_session_output out(10, 1 << 20);
  out.notification(text("early"), nullptr);
  auto stream = std::make_shared<fake_stream>();
  REQUIRE(out.attach(stream, std::nullopt));
  REQUIRE(stream->events.size() == 1);
  CHECK(stream->events[0].second == "early");
  stream->close();
  out.notification(text("later"), nullptr);
  auto again = std::make_shared<fake_stream>();
  REQUIRE(out.attach(again, std::nullopt));
  REQUIRE(again->events.size() == 1);
  CHECK(again->events[0].second == "later");
}

TEST_CASE("http output: a client that falls behind misses events, then is told how many and from where") {
  http_session_output out(100, 1000);
  auto stream = std::make_shared<fake_stream>();
  REQUIRE(out.attach(stream, std::nullopt));
  droppable_event e1{"ctx", "10"};
  out.notification(text("m10"), &e1);
  stream->backlog_bytes = 5000;  // the client stopped reading
  droppable_event e2{"ctx", "11"};
  droppable_event e3{"ctx", "12"};
  out.notification(text("m11"), &e2);
  out.notification(text("m12"), &e3);
  CHECK(out.dropped() == 2);
  // Answers and non-droppable notifications still go out.
  out.notification(text("verdict"), nullptr);
  stream->backlog_bytes = 0;  // caught up
  droppable_event e4{"ctx", "13"};
  out.notification(text("m13"), &e4);
  std::vector<std::string> data;
  for (auto& [id, d] : stream->events) data.push_back(d);
  REQUIRE(data.size() == 4);
  CHECK(data[0] == "m10");
  CHECK(data[1] == "verdict");
  CHECK_THAT(data[2], Catch::Contains(R"("kind":"missed")") && Catch::Contains(R"("since":"10")") &&
                          Catch::Contains(R"("missed":"2")") && Catch::Contains("parley_fetch_recent"));
  CHECK(data[3] == "m13");
}

TEST_CASE("http output: closing fails whatever still waits") {
  http_session_output out(10, 1 << 20);
  std::vector<std::string> got;
  out.expect({"7"}, [&](std::vector<std::shared_ptr<const std::string>> answers) { got.push_back(*answers[0]); });
  out.close();
  REQUIRE(got.size() == 1);
  CHECK_THAT(got[0], Catch::Contains("the session ended"));
}
