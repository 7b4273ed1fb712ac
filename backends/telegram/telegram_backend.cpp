#include "backends/telegram/telegram_backend.hpp"

#include "src/json/writer.hpp"
#include "src/seam/registry.hpp"
#include "src/seam/typed_connect.hpp"
#include "src/util/sha256.hpp"
#include "src/util/utf8.hpp"
#include "src/util/window_limiter.hpp"

namespace parley::telegram {

namespace {

/// Telegram takes at most 4096 characters a message; as bytes this is the
/// bound every content within it meets.
constexpr std::size_t max_text_units = 4096;

const backend_registrar registration{"telegram", {},
                                     [] { return std::make_unique<telegram_backend>(); }};

/// Telegram's limits: 30 messages a second per bot, 20 a minute per group.
window_limiter& per_second() {
  static window_limiter limiter(std::chrono::seconds(1));
  return limiter;
}
window_limiter& per_minute() {
  static window_limiter limiter(std::chrono::minutes(1));
  return limiter;
}

}  // namespace

/// One subscriber; cancel() unregisters it from the session.
class telegram_backend::topic_subscription final : public subscription {
 public:
  topic_subscription(const std::shared_ptr<bot_session>& s, std::uint64_t id)
      : session_(s), id_(id) {}
  ~topic_subscription() override { cancel(); }
  void cancel() override {
    // Weak: a subscription outliving its backend keeps no poller alive.
    if (auto s = session_.lock()) s->unsubscribe(id_);
    session_.reset();
  }

 private:
  std::weak_ptr<bot_session> session_;
  std::uint64_t id_;
};

telegram_backend::telegram_backend() {
  caps_.native_long_poll = false;
  caps_.cross_process_live = true;  // a human's message reaches every subscriber of the process
  caps_.sender_is_identity = false;  // every post is the bot's
  caps_.stores_in_reply_to = true;   // reply_to_message
  caps_.max_content_bytes = max_text_units;
  caps_.zero_cursor = "0";
}

telegram_backend::~telegram_backend() {
  disconnect();
}

const parley::capabilities& telegram_backend::capabilities() const noexcept {
  return caps_;
}

void telegram_backend::set_health_listener(health_listener listener) {
  health_listener_ = std::move(listener);
}

result<void> telegram_backend::connect(const config::value& backend_config) {
  return connect_typed<telegram_config>(*this, backend_config, "Telegram");
}

result<void> telegram_backend::connect(const telegram_config& cfg) {
  cfg_ = cfg;
  auto s = bot_session::acquire(cfg_);
  if (!s) return s.error();
  session_ = std::move(*s);
  if (health_listener_) health_id_ = session_->add_health_listener(health_listener_);
  for (const auto& [topic, target] : cfg_.chat_map)
    (void)session_->route(target, topic);  // this instance's map; failures were logged
  return {};
}

void telegram_backend::disconnect() {
  {
    std::lock_guard lock(stop_mu_);
    stopped_ = true;
  }
  stop_cv_.notify_all();  // ends a post waiting for its send slot
  if (!session_) return;
  session_->remove_health_listener(health_id_);
  {
    std::lock_guard lock(subscriptions_mu_);
    for (auto id : subscriptions_) session_->unsubscribe(id);
    subscriptions_.clear();
  }
  session_.reset();  // the last backend of the token stops the poller
}

result<void> telegram_backend::check_connected() const {
  if (!session_) return fail(errc::not_connected, "the Telegram backend is not connected");
  return {};
}

result<void> telegram_backend::await_send_slot(std::int64_t chat_id) {
  const std::string key = sha256_hex(cfg_.token);
  const auto now = window_limiter::clock::now();
  auto wait = per_second().reserve(key, cfg_.sends_per_second, now);
  if (chat_id < 0)  // groups, supergroups and channels
    wait = std::max(wait, per_minute().reserve(key + "/" + std::to_string(chat_id),
                                               cfg_.group_sends_per_minute, now));
  std::unique_lock lock(stop_mu_);
  if (stop_cv_.wait_for(lock, wait, [this] { return stopped_; }))
    return fail(errc::not_connected, "the Telegram backend was disconnected");
  return {};
}

std::string telegram_backend::send_body(std::int64_t chat_id, const chat_target& target,
                                        const post_request& req,
                                        std::optional<std::int64_t> reply_to) const {
  json::writer w;
  w.begin_object().key("chat_id").value(chat_id).key("text").value(req.content);
  if (target.thread) w.key("message_thread_id").value(*target.thread);
  if (reply_to) w.key("reply_to_message_id").value(*reply_to);
  w.end_object();
  return std::move(w).take();
}

result<stored_post> telegram_backend::post(const post_request& req) {
  if (auto c = check_connected(); !c) return c.error();
  auto target = cfg_.target_of(req.topic);
  if (!target)
    return fail(errc::invalid_argument,
                "topic \"" + req.topic + "\" is neither in chat_map nor a chat id or @name");
  if (req.content.empty())
    return fail(errc::invalid_argument, "Telegram refuses a message without text");
  if (!simdjson::validate_utf8(req.content.data(), req.content.size()))
    return fail(errc::invalid_argument, "a Telegram message must be valid UTF-8");
  if (utf8::utf16_length(req.content) > max_text_units)
    return fail(errc::payload_too_large, "a Telegram message holds at most 4096 characters");
  auto chat_id = session_->route(*target, req.topic);
  if (!chat_id) return chat_id.error();
  std::optional<std::int64_t> reply_to;
  if (req.in_reply_to) {
    auto parent = parse_composite_id(*req.in_reply_to);
    if (!parent || parent->first != *chat_id)
      return fail(errc::invalid_argument, "in_reply_to \"" + *req.in_reply_to +
                                              "\" is not a message of chat " +
                                              std::to_string(*chat_id));
    reply_to = parent->second;
  }
  auto lock = session_->send_lock(*chat_id);
  std::lock_guard in_order(*lock);  // ids are delivered in the order they are made
  if (auto slot = await_send_slot(*chat_id); !slot) return slot.error();
  auto a = session_->api().call("sendMessage", send_body(*chat_id, *target, req, reply_to));
  if (!a) return a.error();
  simdjson::dom::object chat;
  const bool channel = a->object()["chat"].get_object().get(chat) == simdjson::SUCCESS &&
                       json::text_of(chat, "type").value_or("") == "channel";
  auto parsed = parse_message(a->object(), channel);
  if (!parsed.msg)
    return fail(errc::backend_unavailable, "Telegram sendMessage → " + parsed.skipped);
  parsed.msg->topic = req.topic;
  if (auto r = session_->ingest({*parsed.msg}); !r) return r.error();
  return stored_post{parsed.msg->to_message(), std::nullopt};
}

result<page> telegram_backend::fetch_recent(const fetch_request& req) {
  if (auto c = check_connected(); !c) return c.error();
  std::optional<std::int64_t> since;
  if (req.since) {
    since = parse_cursor(req.since->text);
    if (!since)
      return fail(errc::malformed_cursor, "cursor \"" + req.since->text + "\" of topic \"" +
                                              req.topic + "\" is not a Telegram message id");
  }
  const std::size_t limit = std::min(req.limit, caps_.max_page);
  page out;
  out.next_cursor = req.since.value_or(cursor{caps_.zero_cursor});
  if (limit == 0) return out;
  auto rows = session_->store().read(req.topic, since, limit);
  if (!rows) return rows.error();
  for (const auto& m : *rows) out.messages.push_back(m.to_message());
  if (!out.messages.empty()) out.next_cursor = out.messages.back().cursor;
  return out;
}

result<std::unique_ptr<subscription>> telegram_backend::subscribe(const std::string& topic,
                                                                  subscription_sink& sink) {
  if (auto c = check_connected(); !c) return c.error();
  if (auto target = cfg_.target_of(topic))
    if (auto r = session_->route(*target, topic); !r) return r.error();
  auto id = session_->subscribe(topic, sink);
  if (!id) return id.error();
  std::lock_guard lock(subscriptions_mu_);
  subscriptions_.insert(*id);
  return std::unique_ptr<subscription>(std::make_unique<topic_subscription>(session_, *id));
}

result<identity_ref> telegram_backend::resolve_identity(const std::string& handle) {
  if (auto c = check_connected(); !c) return c.error();
  const auto& me = session_->self();
  if (handle == me.username || handle == "@" + me.username)
    return identity_ref{handle, std::to_string(me.id)};
  return identity_ref{handle, handle};
}

}  // namespace parley::telegram
