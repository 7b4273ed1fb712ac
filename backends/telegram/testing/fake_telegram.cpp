#include "backends/telegram/testing/fake_telegram.hpp"

#include <simdjson.h>

#include "src/json/writer.hpp"

namespace parley::telegram::testing {

namespace {

std::vector<std::string> argv_of(const std::vector<std::string>& tokens) {
  std::vector<std::string> argv{"/usr/bin/python3", PARLEY_TELEGRAM_FAKE, "--port", "0"};
  for (const auto& t : tokens) {
    argv.push_back("--token");
    argv.push_back(t);
  }
  return argv;
}

}  // namespace

fake_telegram::fake_telegram(const std::vector<std::string>& tokens) : fake_service(argv_of(tokens)) {}

std::int64_t fake_telegram::post_as_human(std::int64_t chat_id, const std::string& text,
                                          std::int64_t thread) {
  json::writer w;
  w.begin_object().key("chat_id").value(chat_id).key("text").value(text);
  if (thread != 0) w.key("message_thread_id").value(thread);
  w.end_object();
  return std::stoll(member(control("POST", "post", std::move(w).take()), "message_id"));
}

void fake_telegram::post_kind(std::int64_t chat_id, const std::string& kind, const std::string& text) {
  json::writer w;
  w.begin_object().key("chat_id").value(chat_id).key("text").value(text).key("kind").value(kind).end_object();
  (void)control("POST", "post", std::move(w).take());
}

fake_telegram& shared_fake() {
  static fake_telegram fake;
  return fake;
}

}  // namespace parley::telegram::testing
