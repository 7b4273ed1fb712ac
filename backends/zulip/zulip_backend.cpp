#include "backends/zulip/zulip_backend.hpp"

#include <algorithm>

#include "backends/zulip/message_history.hpp"
#include "backends/zulip/zulip_message.hpp"
#include "src/json/writer.hpp"
#include "src/seam/registry.hpp"
#include "src/seam/typed_connect.hpp"
#include "src/util/iso_time.hpp"
#include "src/util/log.hpp"
#include "src/util/utf8.hpp"

namespace parley::zulip {

namespace {

constexpr const char* component = "zulip";
/// Zulip keeps at most 10000 characters of a message (it truncates the
/// rest); counting bytes keeps well inside that.
constexpr std::size_t max_content_bytes = 10000;
/// Zulip keeps at most 60 characters of a topic name.
constexpr std::size_t max_topic_chars = 60;
/// GET /messages answers at most 5000 messages.
constexpr std::size_t max_page = 5000;

parley::capabilities zulip_capabilities() {
  parley::capabilities c;
  c.native_long_poll = false;
  c.cross_process_live = true;   // every post reaches every matching queue
  c.sender_is_identity = false;  // the sender is the bot's email
  c.stores_in_reply_to = false;  // Zulip threads by topic
  c.max_content_bytes = max_content_bytes;
  c.max_page = max_page;
  c.zero_cursor = "0";
  return c;
}

const backend_registrar registration{"zulip", {}, [] { return std::make_unique<zulip_backend>(); }};

}  // namespace

/// One subscriber; cancel() takes it off its queue (closing the queue when
/// it was the last).
class zulip_backend::queue_subscription final : public subscription {
 public:
  queue_subscription(zulip_backend& b, std::string key, std::uint64_t id)
      : backend_(&b), key_(std::move(key)), id_(id) {}
  ~queue_subscription() override { cancel(); }
  void cancel() override {
    if (backend_ == nullptr) return;
    backend_->unsubscribe(key_, id_);
    backend_ = nullptr;
  }

 private:
  zulip_backend* backend_;
  std::string key_;
  std::uint64_t id_;
};

zulip_backend::zulip_backend() : caps_(zulip_capabilities()) {}

zulip_backend::~zulip_backend() {
  disconnect();
}

const parley::capabilities& zulip_backend::capabilities() const noexcept {
  return caps_;
}

void zulip_backend::set_health_listener(health_listener listener) {
  health_listener_ = std::move(listener);
}

result<void> zulip_backend::connect(const config::value& backend_config) {
  return connect_typed<zulip_config>(*this, backend_config, "Zulip");
}

result<void> zulip_backend::connect(const zulip_config& cfg) {
  cfg_ = cfg;
  if (auto w = cfg_.default_key_warning()) log::warn(component, *w);
  api_ = std::make_unique<zulip_api>(cfg_);
  if (auto r = check_account(); !r) {
    api_.reset();
    return r;
  }
  if (auto r = check_stream(); !r) {
    api_.reset();
    return r;
  }
  connected_ = true;
  return {};
}

result<void> zulip_backend::check_account() {
  auto me = api_->get("/users/me", {});
  if (!me) {
    if (me.error().code == errc::bad_credentials)
      return fail(errc::bad_credentials,
                  "Zulip at " + cfg_.site_url + ": invalid API key for " + cfg_.email +
                      " (GET /api/v1/users/me → 401); set backend_config.api_key or "
                      "$PARLEY_ZULIP_API_KEY to the bot's key (Settings → Bots)");
    return me.error();
  }
  if (me->root()["user_id"].get_int64().get(user_id_) != simdjson::SUCCESS)
    return fail(errc::backend_unavailable, "Zulip GET /api/v1/users/me → an answer without user_id");
  return {};
}

result<void> zulip_backend::check_stream() {
  auto subs = api_->get("/users/me/subscriptions", {});
  if (!subs) return subs.error();
  simdjson::dom::array list;
  if (subs->root()["subscriptions"].get_array().get(list) == simdjson::SUCCESS)
    for (auto el : list) {
      simdjson::dom::object s;
      if (el.get_object().get(s) == simdjson::SUCCESS && same_topic(member_text(s, "name"), cfg_.stream))
        return {};
    }
  // Not in the stream: the bot subscribes itself, as a user adding the bot
  // would; Zulip creates a missing stream then, when the bot may create one.
  json::writer w;
  w.begin_array().begin_object().key("name").value(cfg_.stream).end_object().end_array();
  auto joined = api_->post_safe("/users/me/subscriptions", {{"subscriptions", std::move(w).take()}});
  if (!joined)
    return fail(errc::invalid_config, "Zulip at " + cfg_.site_url + ": " + cfg_.email +
                                          " is not in the stream \"" + cfg_.stream +
                                          "\" and cannot join it (" + joined.error().message +
                                          "): create the stream, subscribe the bot to it, or set "
                                          "backend_config.stream to one it is in");
  log::info(component, "subscribed " + cfg_.email + " to the stream \"" + cfg_.stream + "\"");
  return {};
}

void zulip_backend::disconnect() {
  connected_ = false;
  std::map<std::string, open_queue> queues;
  {
    std::lock_guard lock(queues_mu_);
    queues.swap(queues_);
  }
  for (auto& [key, q] : queues) q.queue->close(*api_);
  if (api_) api_->stop();
}

result<void> zulip_backend::check_connected() const {
  if (!connected_ || !api_) return fail(errc::not_connected, "the Zulip backend is not connected");
  return {};
}

std::size_t zulip_backend::open_queues() const {
  std::lock_guard lock(queues_mu_);
  return queues_.size();
}

int zulip_backend::registrations() const {
  std::lock_guard lock(queues_mu_);
  int n = 0;
  for (const auto& [key, q] : queues_) n += q.queue->registrations();
  return n;
}

result<std::unique_ptr<subscription>> zulip_backend::subscribe(const std::string& topic,
                                                               subscription_sink& sink) {
  if (auto c = check_connected(); !c) return c.error();
  const std::string key = cfg_.all_topics ? std::string() : topic;
  std::lock_guard lock(queues_mu_);
  auto it = queues_.find(key);
  std::uint64_t after = 0;
  if (it == queues_.end()) {
    const auto source = ++next_queue_;
    auto q = std::make_unique<event_queue>(cfg_, cfg_.all_topics ? std::nullopt : std::optional(topic),
                                           [this, source](health h, const std::string& why) {
                                             health_.report(source, h, why);
                                           });
    auto tail = q->open();
    if (!tail) {
      q.reset();  // its thread may have reported: forget it after it ended
      health_.forget(source);
      return tail.error();
    }
    after = *tail;
    it = queues_.emplace(key, open_queue{source, std::move(q)}).first;
  } else {
    auto tail = it->second.queue->tail_id();
    if (!tail) return tail.error();
    after = *tail;
  }
  const auto id = it->second.queue->add(topic, after, sink);
  return std::unique_ptr<subscription>(std::make_unique<queue_subscription>(*this, key, id));
}

void zulip_backend::unsubscribe(const std::string& key, std::uint64_t id) {
  open_queue closing;
  {
    std::lock_guard lock(queues_mu_);
    auto it = queues_.find(key);
    if (it == queues_.end() || !it->second.queue->remove(id)) return;
    closing = std::move(it->second);
    queues_.erase(it);
  }
  closing.queue->close(*api_);
  health_.forget(closing.id);
}

result<stored_post> zulip_backend::post(const post_request& req) {
  if (auto c = check_connected(); !c) return c.error();
  if (req.content.size() > max_content_bytes)
    return fail(errc::payload_too_large, "a Zulip message holds at most " + std::to_string(max_content_bytes) +
                                             " bytes here; this one has " + std::to_string(req.content.size()));
  if (req.topic.empty() || utf8::code_point_count(req.topic) > max_topic_chars)
    return fail(errc::invalid_argument, "a Zulip topic name has 1 to 60 characters; \"" + req.topic + "\" does not");
  auto sent = api_->post("/messages", {{"type", "stream"},
                                       {"to", cfg_.stream},
                                       {"topic", req.topic},
                                       {"content", req.content}});
  if (!sent) return sent.error();
  std::int64_t id = 0;
  if (sent->root()["id"].get_int64().get(id) != simdjson::SUCCESS || id <= 0)
    return fail(errc::backend_unavailable, "Zulip POST /api/v1/messages → an answer without id");
  // The answer holds only the id; the stored message (its timestamp, the
  // content as Zulip kept it) is read back, so post and fetch agree.
  const std::string sid = std::to_string(id);
  auto back = api_->get("/messages/" + sid, {{"apply_markdown", "false"}});
  simdjson::dom::object msg;
  if (back && back->root()["message"].get_object().get(msg) == simdjson::SUCCESS)
    if (auto m = to_message(msg, req.topic)) return stored_post{std::move(*m), std::nullopt};
  log::warn(component, "Zulip GET /api/v1/messages/{id} → could not read back message " + sid +
                           "; reporting it as sent");
  message m = stored_message(req, sid, cursor{sid}, iso8601_now());
  m.sender_handle = cfg_.email;
  m.in_reply_to.reset();
  return stored_post{std::move(m), std::nullopt};
}

result<page> zulip_backend::fetch_recent(const fetch_request& req) {
  if (auto c = check_connected(); !c) return c.error();
  std::optional<std::uint64_t> since;
  if (req.since) {
    since = parse_id(req.since->text);
    if (!since)
      return fail(errc::malformed_cursor, "cursor \"" + req.since->text + "\" of topic \"" + req.topic +
                                              "\" is not a Zulip message id");
  }
  page out;
  out.next_cursor = req.since.value_or(cursor{caps_.zero_cursor});
  const std::size_t limit = std::min(req.limit, caps_.max_page);
  if (limit == 0) return out;
  message_history history(*api_, cfg_.stream, req.topic);
  auto p = since ? history.after(*since, limit) : history.newest(limit);
  if (!p) return p.error();
  out.messages = std::move(p->messages);
  if (p->last_id > 0) out.next_cursor = cursor{std::to_string(p->last_id)};
  return out;
}

result<identity_ref> zulip_backend::resolve_identity(const std::string& handle) {
  if (auto c = check_connected(); !c) return c.error();
  auto users = api_->get("/users", {});
  if (!users) return users.error();
  simdjson::dom::array members;
  if (users->root()["members"].get_array().get(members) != simdjson::SUCCESS)
    return fail(errc::backend_unavailable, "Zulip GET /api/v1/users → an answer without members");
  for (auto el : members) {
    simdjson::dom::object u;
    std::int64_t user_id = 0;
    if (el.get_object().get(u) != simdjson::SUCCESS || u["user_id"].get_int64().get(user_id) != simdjson::SUCCESS)
      continue;
    if (member_text(u, "email") == handle || member_text(u, "full_name") == handle)
      return identity_ref{handle, std::to_string(user_id)};
  }
  return identity_ref{handle, handle};
}

}  // namespace parley::zulip
