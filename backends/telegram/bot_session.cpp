#include "backends/telegram/bot_session.hpp"

#include "backends/telegram/jsonl_import.hpp"
#include "src/json/writer.hpp"
#include "src/util/log.hpp"
#include "src/util/sha256.hpp"
#include "src/util/url.hpp"

namespace parley::telegram {

namespace {

constexpr const char* component = "telegram";

}  // namespace

result<std::shared_ptr<bot_session>> bot_session::acquire(const telegram_config& cfg) {
  static std::mutex mu;
  static std::map<std::string, std::weak_ptr<bot_session>> sessions;  // by token hash
  std::lock_guard lock(mu);
  auto& slot = sessions[sha256_hex(cfg.token)];
  if (auto live = slot.lock()) {
    if (live->cfg_.state_db_path() != cfg.state_db_path())
      return fail(errc::invalid_config,
                  "another Telegram backend of this process polls this bot token with state_db " +
                      live->cfg_.state_db_path() + "; one token has one poller and one state_db");
    return live;
  }
  std::shared_ptr<bot_session> s(new bot_session(cfg));
  if (auto r = s->start(); !r) return r.error();
  slot = s;
  return s;
}

bot_session::bot_session(const telegram_config& cfg) : cfg_(cfg) {}

bot_session::~bot_session() {
  if (api_) api_->stop();  // ends the poll in flight at once
  if (poller_) poller_->stop();
}

result<void> bot_session::start() {
  api_ = std::make_unique<bot_api>(cfg_);
  auto me = api_->call("getMe", {});
  if (!me) {
    if (me.error().code == errc::bad_credentials)
      return fail(errc::bad_credentials, me.error().message +
                                             " (the bot token is invalid or revoked: ask @BotFather "
                                             "for the token, /token)");
    return me.error();
  }
  const auto o = me->object();
  self_.id = json::member<std::int64_t>(o, "id").value_or(0);
  self_.username = json::text_of(o, "username").value_or("");
  self_.can_read_all_group_messages = json::member<bool>(o, "can_read_all_group_messages").value_or(true);
  auto store = observed_store::open(cfg_.state_db_path(), cfg_.retention_per_topic);
  if (!store) return store.error();
  store_ = std::move(*store);
  if (auto imported = import_jsonl(cfg_.store_path, *store_); !imported)
    log::warn(component, "the JSONL store was not imported: " + imported.error().message);
  for (const auto& [topic, target] : cfg_.chat_map)
    if (auto r = route(target, topic); !r)
      log::warn(component, "chat_map \"" + topic + "\": " + r.error().message);
  update_poller::options opts;
  opts.poll_timeout_s = cfg_.poll_timeout_s;
  poller_ = std::make_unique<update_poller>(
      *api_, *store_, routes_, std::to_string(self_.id),
      [this](const std::vector<observed_message>& fresh) { deliver(fresh); },
      [this](health h, const std::string& why) { on_health(h, why); }, opts);
  (void)poller_->catch_up();  // a failure (409, the network) is the loop's to retry
  poller_->start();
  return {};
}

result<bot_session::chat_info> bot_session::chat(const std::string& ref) {
  {
    std::lock_guard lock(chats_mu_);
    if (auto it = chats_.find(ref); it != chats_.end()) return it->second;
  }
  auto numeric = parse_int(ref);
  auto a = api_->call("getChat", {}, "chat_id=" + url::encode_query_value(ref));
  if (!a) {
    if (numeric) return chat_info{*numeric, ""};  // usable without its type; asked again later
    return fail(a.error().code, "chat " + ref + ": " + a.error().message);
  }
  chat_info info;
  info.id = json::member<std::int64_t>(a->object(), "id").value_or(numeric.value_or(0));
  info.type = json::text_of(a->object(), "type").value_or("");
  std::lock_guard lock(chats_mu_);
  chats_[ref] = info;
  return info;
}

result<std::int64_t> bot_session::route(const chat_target& target, const std::string& topic) {
  auto c = chat(target.chat);
  if (!c) return c.error();
  if (!self_.can_read_all_group_messages && (c->type == "group" || c->type == "supergroup") &&
      !privacy_warned_.exchange(true))
    log::warn(component,
              "PRIVACY MODE: bot @" + self_.username + " cannot read ordinary messages in group " +
                  target.chat +
                  " (getMe says can_read_all_group_messages: false); it sees only commands and "
                  "replies to it. Fix: in @BotFather, /setprivacy → your bot → Disable, then "
                  "remove the bot from the group and add it again; or make the bot an admin of "
                  "the group.");
  routes_.add(c->id, target.thread, topic);
  return c->id;
}

result<void> bot_session::ingest(const std::vector<observed_message>& batch) {
  auto fresh = store_->ingest(batch);
  if (!fresh) return fresh.error();
  deliver(*fresh);
  return {};
}

void bot_session::deliver(const std::vector<observed_message>& fresh) {
  std::lock_guard lock(deliver_mu_);
  for (const auto& m : fresh)
    for (auto& [id, s] : subscribers_)
      if (s.topic == m.topic && m.message_id > s.watermark) s.sink->on_message(m.to_message());
}

result<std::uint64_t> bot_session::subscribe(const std::string& topic, subscription_sink& sink) {
  std::lock_guard lock(deliver_mu_);
  auto newest = store_->newest_id(topic);
  if (!newest) return newest.error();
  const auto id = ++next_id_;
  subscribers_[id] = subscriber{topic, *newest, &sink};
  return id;
}

void bot_session::unsubscribe(std::uint64_t id) {
  std::lock_guard lock(deliver_mu_);
  subscribers_.erase(id);
}

std::uint64_t bot_session::add_health_listener(health_listener l) {
  std::lock_guard lock(health_mu_);
  if (last_health_ && l) l(last_health_->first, last_health_->second);
  const auto id = ++next_id_;
  health_listeners_[id] = std::move(l);
  return id;
}

void bot_session::remove_health_listener(std::uint64_t id) {
  std::lock_guard lock(health_mu_);
  health_listeners_.erase(id);
}

void bot_session::on_health(health h, const std::string& why) {
  std::lock_guard lock(health_mu_);
  last_health_ = {h, why};
  for (auto& [id, l] : health_listeners_)
    if (l) l(h, why);
}

std::shared_ptr<std::mutex> bot_session::send_lock(std::int64_t chat_id) {
  std::lock_guard lock(chats_mu_);
  auto& m = send_locks_[chat_id];
  if (!m) m = std::make_shared<std::mutex>();
  return m;
}

}  // namespace parley::telegram
