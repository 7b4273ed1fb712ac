// What users meet in production: Parley killed and restarted while humans
// post, a second poller on the token, 429s, the service gone for a while.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <set>
#include <thread>

#include "backends/telegram/telegram_harness.hpp"
#include "backends/telegram/testing/fake_telegram.hpp"
#include "conformance/backend_calls.hpp"
#include "conformance/collecting_sink.hpp"
#include "src/http_client/http_client.hpp"

using namespace parley;
using namespace parley::telegram;
using namespace parley::telegram::testing;
using namespace std::chrono_literals;

namespace {

/// Health changes as reported.
class health_log {
 public:
  health_listener listener() {
    return [this](health h, const std::string& why) {
      std::lock_guard lock(mu_);
      seen_.emplace_back(h, why);
      cv_.notify_all();
    };
  }
  /// Waits for `h` (with a reason containing `text`) reported after `from` earlier ones.
  bool wait(health h, const std::string& text, std::chrono::milliseconds timeout, std::size_t from = 0) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] {
      for (std::size_t i = from; i < seen_.size(); ++i)
        if (seen_[i].first == h && seen_[i].second.find(text) != std::string::npos) return true;
      return false;
    });
  }
  std::size_t size() {
    std::lock_guard lock(mu_);
    return seen_.size();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<health, std::string>> seen_;
};

/// A human posting to `chat` without pause on a thread of its own.
class human {
 public:
  explicit human(std::int64_t chat, std::chrono::milliseconds every = 20ms)
      : thread_([this, chat, every] {
          while (!stop_) {
            const auto n = count_.load();
            shared_fake().post_as_human(chat, "h" + std::to_string(n));
            ++count_;
            std::this_thread::sleep_for(every);
          }
        }) {}
  ~human() { finish(); }
  int finish() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return count_;
  }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int> count_{0};
  std::thread thread_;
};

std::vector<std::string> contents_of(const std::vector<message>& v) {
  std::vector<std::string> out;
  for (const auto& m : v) out.push_back(m.content);
  return out;
}

std::vector<std::string> expected(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("h" + std::to_string(i));
  return out;
}

/// Every message of `topic` from the store, once the fake has nothing pending.
std::vector<message> settled_history(backend& b, const std::string& topic, int n) {
  std::vector<message> all;
  for (int i = 0; i < 200; ++i) {
    all = b.fetch_recent({topic, std::nullopt, 10000})->messages;
    if (static_cast<int>(all.size()) >= n) break;
    std::this_thread::sleep_for(50ms);
  }
  return all;
}

}  // namespace

TEST_CASE("telegram fault: a backend gone mid-stream and a new one on the same state_db",
          "[telegram][fault]") {
  telegram_harness h;
  const auto chat = fresh_chat();
  const auto topic = std::to_string(chat);
  human poster(chat);
  for (int round = 0; round < 4; ++round) {
    conformance::collecting_sink sink;  // outlives the backend
    auto b = h.connect_backend();
    auto sub = conformance::subscribe_ok(*b, topic, sink);
    (void)sink.wait_for(5 * static_cast<std::size_t>(round + 1), 5s);
    // The backend goes first, its subscription still open, while messages
    // arrive: the destructor aborts the poll in flight.
    b.reset();
  }
  const int n = poster.finish();
  auto b = h.connect_backend();
  auto all = settled_history(*b, topic, n);
  CHECK(contents_of(all) == expected(n));
}

TEST_CASE("telegram fault: SIGKILL of a polling process, restarted while a human posts",
          "[telegram][fault]") {
  parley::testing::temp_dir dir;
  const auto cfg = fake_config(dir.file("state.db"));
  const auto chat = fresh_chat();
  const auto topic = std::to_string(chat);
  human poster(chat, 10ms);
  for (int round = 0; round < 4; ++round) {
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      // The child: poll until killed.
      telegram_backend b;
      if (!b.connect(cfg)) ::_exit(3);
      for (;;) ::pause();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(400 + 150 * round));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status));
  }
  const int n = poster.finish();
  auto b = connect_telegram(cfg);
  auto all = settled_history(*b, topic, n);
  CHECK(contents_of(all) == expected(n));
  std::set<std::string> ids;
  for (const auto& m : all) ids.insert(m.backend_msg_id);
  CHECK(ids.size() == all.size());
}

TEST_CASE("telegram fault: a second poller on the token is reported, then recovered",
          "[telegram][fault]") {
  telegram_harness h;
  std::atomic<bool> stop{false};
  http::http_client other;
  std::thread rival([&] {
    while (!stop) {
      http::http_request req;
      req.url = shared_fake().url() + "/bot" + fake_token + "/getUpdates?timeout=1&offset=-1";
      req.label = "rival getUpdates";
      (void)other.send(req);
    }
  });
  std::this_thread::sleep_for(300ms);
  health_log health;
  telegram_backend b;
  b.set_health_listener(health.listener());
  REQUIRE(b.connect(h.config()));
  CHECK(health.wait(health::retrying, "another getUpdates poller uses this bot token", 10s));
  stop = true;
  rival.join();
  const auto chat = fresh_chat();
  conformance::collecting_sink sink;
  auto sub = conformance::subscribe_ok(b, std::to_string(chat), sink);
  CHECK(health.wait(health::connected, "", 40s, 1));
  shared_fake().post_as_human(chat, "after the rival");
  CHECK(sink.wait_for(1, 10s).size() == 1);
}

TEST_CASE("telegram fault: 429s are waited out as retry_after says", "[telegram][fault]") {
  telegram_harness h;
  auto b = h.connect_backend();
  const auto chat = fresh_chat();
  const auto topic = std::to_string(chat);
  conformance::collecting_sink sink;
  auto sub = conformance::subscribe_ok(*b, topic, sink);
  (void)shared_fake().control("POST", "rate_limit", R"({"count": 3, "retry_after": 1})");
  auto posted = b->post({topic, "c", "through the 429s", std::nullopt});
  REQUIRE(posted);
  shared_fake().post_as_human(chat, "and a human");
  auto live = sink.wait_for(2, 15s);
  CHECK(contents_of(live) == std::vector<std::string>{"through the 429s", "and a human"});
}

TEST_CASE("telegram fault: the service away 5 s, every message once and in order",
          "[telegram][fault]") {
  telegram_harness h;
  health_log health;
  telegram_backend b;
  b.set_health_listener(health.listener());
  REQUIRE(b.connect(h.config()));
  const auto chat = fresh_chat();
  const auto topic = std::to_string(chat);
  conformance::collecting_sink sink;
  auto sub = conformance::subscribe_ok(b, topic, sink);
  human poster(chat, 100ms);
  std::this_thread::sleep_for(500ms);
  (void)shared_fake().control("POST", "away", R"({"seconds": 5})");
  CHECK(health.wait(health::retrying, "", 10s));
  std::this_thread::sleep_for(5500ms);
  const int n = poster.finish();
  auto live = sink.wait_for(static_cast<std::size_t>(n), 40s);
  CHECK(contents_of(live) == expected(n));
  CHECK(health.wait(health::connected, "", 1s, 1));
}
