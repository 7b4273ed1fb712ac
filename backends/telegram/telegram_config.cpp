#include "backends/telegram/telegram_config.hpp"

#include <climits>
#include <filesystem>

#include "src/state/state_dir.hpp"
#include "src/config/base_url.hpp"

namespace parley::telegram {

namespace {

void read_chat_map(config::map_reader& r, telegram_config& out) {
  auto m = r.string_map("chat_map");
  if (!m) return;
  for (const auto& [topic, chat] : *m) {
    auto t = chat_target::parse(chat);
    if (!t) {
      r.report("chat_map", "the chat of \"" + topic + "\" is not \"<chat_id>\", \"@name\" or " +
                               "\"<chat_id>/<message_thread_id>\": \"" + chat + "\"");
      continue;
    }
    out.chat_map[topic] = *t;
  }
}

}  // namespace

std::optional<chat_target> telegram_config::target_of(const std::string& topic) const {
  if (auto it = chat_map.find(topic); it != chat_map.end()) return it->second;
  return chat_target::parse(topic);
}

std::string telegram_config::state_db_path() const {
  if (!state_db.empty()) return state_db;
  std::string id = bot_id_of(token);
  if (id.empty()) id = "bot";
  return (std::filesystem::path(parley_state_dir()) / ("telegram-" + id + ".db")).string();
}

telegram_config telegram_config::parse(const config::value& v,
                                       std::vector<config::problem>& problems) {
  telegram_config out;
  config::map_reader r(v, "backend_config", problems);
  if (auto t = r.secret("token", "PARLEY_TELEGRAM_TOKEN")) out.token = *t;
  if (auto u = config::read_base_url(r, "api_url")) out.api_url = *u;
  if (auto s = r.string("store_path", false)) out.store_path = *s;
  if (auto t = r.integer("poll_timeout_s", 0, 600)) out.poll_timeout_s = static_cast<int>(*t);
  read_chat_map(r, out);
  // As the original: any value <= 0 means the default.
  if (auto n = r.integer("observed_retention_per_topic", INT64_MIN, 100'000'000))
    out.retention_per_topic = *n <= 0 ? 10000 : *n;
  if (auto s = r.string("state_db", false)) out.state_db = *s;
  if (auto n = r.integer("sends_per_second", 1, 1000)) out.sends_per_second = static_cast<int>(*n);
  if (auto n = r.integer("group_sends_per_minute", 1, 6000))
    out.group_sends_per_minute = static_cast<int>(*n);
  if (auto t = r.integer("request_timeout_ms", 1000, 600'000))
    out.request_timeout = std::chrono::milliseconds(*t);
  if (out.token.empty())
    r.report("token", "is required (a bot token from @BotFather), or set $PARLEY_TELEGRAM_TOKEN");
  else if (bot_id_of(out.token).empty())
    r.report("token", "is not a bot token (expected <bot id>:<secret>)");
  r.finish();
  return out;
}

}  // namespace parley::telegram
