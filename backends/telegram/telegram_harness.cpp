#include "backends/telegram/telegram_harness.hpp"

#include <atomic>
#include <cstdlib>
#include <random>
#include <stdexcept>

#include "backends/telegram/testing/fake_telegram.hpp"
#include "src/json/writer.hpp"

namespace parley::telegram::testing {

telegram_config fake_config(const std::string& state_db) {
  telegram_config cfg;
  cfg.api_url = shared_fake().url();
  cfg.token = fake_token;
  cfg.state_db = state_db;
  cfg.store_path = state_db + ".absent.jsonl";
  cfg.poll_timeout_s = 5;
  cfg.sends_per_second = 1000;
  cfg.group_sends_per_minute = 6000;
  cfg.request_timeout = std::chrono::milliseconds(10'000);
  return cfg;
}

std::unique_ptr<telegram_backend> connect_telegram(const telegram_config& cfg) {
  auto b = std::make_unique<telegram_backend>();
  if (auto r = b->connect(cfg); !r) throw std::runtime_error(r.error().message);
  return b;
}

std::int64_t fresh_chat(const std::string& type, bool forum) {
  static std::atomic<std::int64_t> next{[] {
    std::random_device rd;
    return static_cast<std::int64_t>(1000 + rd() % 1000) * 1000;
  }()};
  const std::int64_t id = type == "private" ? ++next : -(1'000'000'000'000 + ++next);
  json::writer w;
  w.begin_object().key("chat_id").value(id).key("type").value(type);
  if (forum) w.key("is_forum").value(true);
  w.end_object();
  (void)shared_fake().control("POST", "chat", std::move(w).take());
  return id;
}

telegram_harness::telegram_harness() : cfg_(fake_config(dir_.file("state.db"))) {}

telegram_harness::telegram_harness(telegram_config cfg) : cfg_(std::move(cfg)) {}

std::unique_ptr<backend> telegram_harness::connect_backend() {
  return connect_telegram(cfg_);
}

std::string telegram_harness::fresh_topic() {
  return std::to_string(fresh_chat());
}

std::string telegram_harness::no_concurrent_writers_reason() const {
  return "Telegram allows one getUpdates poller per bot token (a second gets 409), and a bot never "
         "receives its own messages, so independent writers of one bot cannot see each other";
}

std::optional<telegram_config> live_config(const std::string& state_db) {
  const char* token = std::getenv("PARLEY_TELEGRAM_TOKEN");
  const char* chat = std::getenv("PARLEY_TELEGRAM_CHAT");
  if (token == nullptr || *token == '\0' || chat == nullptr || *chat == '\0') return std::nullopt;
  telegram_config cfg;
  cfg.token = token;
  if (const char* u = std::getenv("PARLEY_TELEGRAM_API_URL"); u && *u) cfg.api_url = u;
  cfg.state_db = state_db;
  cfg.store_path = state_db + ".absent.jsonl";
  auto target = chat_target::parse(chat);
  if (!target) throw std::runtime_error("$PARLEY_TELEGRAM_CHAT is not a chat id, @name or chat/thread");
  cfg.chat_map["live"] = *target;
  return cfg;
}

}  // namespace parley::telegram::testing
