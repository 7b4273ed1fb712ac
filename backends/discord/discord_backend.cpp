#include "backends/discord/discord_backend.hpp"

#include <algorithm>

#include "backends/discord/discord_message.hpp"
#include "backends/discord/gateway_protocol.hpp"
#include "backends/discord/gateway_session.hpp"
#include "backends/discord/snowflake.hpp"
#include "src/seam/registry.hpp"
#include "src/seam/typed_connect.hpp"
#include "src/util/log.hpp"
#include "src/util/utf8.hpp"

namespace parley::discord {

namespace {

constexpr const char* component = "discord";
/// Discord's limit is 2000 characters; 2000 bytes is never more than that.
constexpr std::size_t max_content_chars = 2000;
/// Discord pages hold at most 100 messages.
constexpr std::size_t page_size = 100;
/// How long subscribe() waits for the gateway's first session.
constexpr std::chrono::milliseconds ready_timeout{30'000};

const backend_registrar registration{"discord", {"local-discord"}, [] { return std::make_unique<discord_backend>(); }};

std::size_t code_points(const std::string& s) {
  std::size_t n = 0, i = 0;
  while (i < s.size()) {
    (void)utf8::next_code_point(s, i);
    ++n;
  }
  return n;
}

result<std::vector<discord_message>> ascending(const result<json::document>& doc) {
  if (!doc) return doc.error();
  return read_page_ascending(doc->root());
}

}  // namespace

/// One subscriber; cancel() unregisters it from the feed.
class discord_backend::channel_subscription final : public subscription {
 public:
  channel_subscription(channel_feed& feed, std::uint64_t id) : feed_(&feed), id_(id) {}
  ~channel_subscription() override { cancel(); }
  void cancel() override {
    if (feed_ == nullptr) return;
    feed_->remove(id_);
    feed_ = nullptr;
  }

 private:
  channel_feed* feed_;
  std::uint64_t id_;
};

discord_backend::discord_backend() {
  caps_.native_long_poll = false;
  caps_.cross_process_live = true;
  caps_.sender_is_identity = false;
  caps_.stores_in_reply_to = true;
  caps_.max_content_bytes = max_content_chars;
  caps_.max_page = page_size;
  caps_.zero_cursor = "0";
}

discord_backend::~discord_backend() { disconnect(); }

const parley::capabilities& discord_backend::capabilities() const noexcept { return caps_; }

void discord_backend::set_health_listener(health_listener listener) { health_listener_ = std::move(listener); }

result<void> discord_backend::connect(const config::value& backend_config) {
  return connect_typed<discord_config>(*this, backend_config, "Discord");
}

result<void> discord_backend::connect(const discord_config& cfg) {
  cfg_ = cfg;
  api_ = std::make_unique<discord_api>(cfg_);
  auto me = api_->me();
  if (!me) {
    api_.reset();
    return me.error();
  }
  bot_ = *me;
  if (cfg_.require_message_content) {
    auto flags = api_->application_flags();
    if (!flags) {
      api_.reset();
      return flags.error();
    }
    if ((*flags & gateway::message_content_flags) == 0) {
      api_.reset();
      return fail(errc::bad_credentials,
                  "the Discord application of bot " + bot_.username +
                      " lacks the MESSAGE_CONTENT intent, so every message would arrive empty: switch on "
                      "MESSAGE CONTENT INTENT under Bot → Privileged Gateway Intents in the Discord Developer "
                      "Portal (or set backend_config.require_message_content: false)");
    }
  }
  return {};
}

void discord_backend::disconnect() {
  feed_.clear();  // no sink is called after this
  if (api_) api_->stop();
  std::lock_guard lock(gateway_mu_);
  if (gateway_) gateway_->stop();
}

result<void> discord_backend::ensure_gateway() {
  gateway_session* g = nullptr;
  {
    std::lock_guard lock(gateway_mu_);
    if (!gateway_) {
      gateway_hooks hooks;
      hooks.on_message = [this](const discord_message& m) { on_gateway_message(m); };
      hooks.on_new_session = [this] { fill_gaps(); };
      hooks.on_health = [this](health h, const std::string& why) {
        if (health_listener_) health_listener_(h, why);
      };
      gateway_ = std::make_unique<gateway_session>(*api_, cfg_, std::move(hooks));
      gateway_->start();
    }
    g = gateway_.get();
  }
  // The session lives until the backend does; stop() wakes this wait.
  return g->wait_ready(ready_timeout);
}

void discord_backend::on_gateway_message(const discord_message& m) {
  if (m.content.empty() && !m.has_attachments && m.author_id != bot_.id && !m.from_webhook)
    log::warn(component, "a message from " + m.author_username + " in channel " + m.channel_id +
                             " arrived with empty content: is MESSAGE CONTENT INTENT switched on under Bot → "
                             "Privileged Gateway Intents in the Discord Developer Portal?");
  if (!feed_.deliver(m)) log::debug(component, "skipping message " + m.id + " of channel " + m.channel_id);
}

void discord_backend::fill_gaps() {
  for (const auto& [channel, last] : feed_.positions()) {
    std::string after = last;
    for (;;) {
      auto page = ascending(api_->messages(channel, after, page_size));
      if (!page) {
        log::warn(component, "gap-fill of channel " + channel + " failed: " + page.error().message);
        feed_.gap(channel);
        break;
      }
      for (const auto& m : *page) (void)feed_.deliver(m);
      if (page->size() < page_size) break;
      after = page->back().id;
    }
  }
}

result<std::string> discord_backend::channel_of(const std::string& topic) const {
  std::string id = cfg_.channel_of(topic);
  if (!snowflake::parse(id))
    return fail(errc::no_such_topic, "topic \"" + topic +
                                         "\" has no backend_config.channel_map entry and is not a Discord channel id");
  return id;
}

result<std::string> discord_backend::newest_id(const std::string& channel_id) {
  auto page = ascending(api_->messages(channel_id, std::nullopt, 1));
  if (!page) return page.error();
  return page->empty() ? std::string(caps_.zero_cursor) : page->back().id;
}

result<std::unique_ptr<subscription>> discord_backend::subscribe(const std::string& topic, subscription_sink& sink) {
  if (!api_) return fail(errc::not_connected, "the Discord backend is not connected");
  auto channel = channel_of(topic);
  if (!channel) return channel.error();
  if (auto ready = ensure_gateway(); !ready) return ready.error();
  // The session is up, so every message newer than this reaches the feed.
  auto newest = newest_id(*channel);
  if (!newest) return newest.error();
  const auto id = feed_.add(*channel, topic, sink, *newest);
  return std::unique_ptr<subscription>(std::make_unique<channel_subscription>(feed_, id));
}

result<stored_post> discord_backend::post(const post_request& req) {
  if (!api_) return fail(errc::not_connected, "the Discord backend is not connected");
  if (req.content.empty()) return fail(errc::invalid_argument, "Discord refuses an empty message");
  if (const auto n = code_points(req.content); n > max_content_chars)
    return fail(errc::payload_too_large, "a Discord message holds at most " + std::to_string(max_content_chars) +
                                             " characters; this one has " + std::to_string(n));
  auto channel = channel_of(req.topic);
  if (!channel) return channel.error();
  auto hook = cfg_.webhook_map.find(req.topic);
  // Webhook messages cannot reply: a reply goes out as the bot, which can.
  const bool via_hook = hook != cfg_.webhook_map.end() && !req.in_reply_to;
  auto doc = via_hook ? api_->execute_webhook(hook->second, req.content, req.identity.empty() ? "parley" : req.identity)
                      : api_->create_message(*channel, req.content, req.in_reply_to);
  if (!doc) return doc.error();
  auto m = read_message(doc->root());
  if (!m) return m.error();
  return stored_post{to_message(*m, req.topic), std::nullopt};
}

result<page> discord_backend::fetch_recent(const fetch_request& req) {
  if (req.since && !snowflake::parse(req.since->text))
    return fail(errc::malformed_cursor, "cursor \"" + req.since->text + "\" of topic \"" + req.topic +
                                            "\" is not a Discord message id (a snowflake)");
  if (!api_) return fail(errc::not_connected, "the Discord backend is not connected");
  const std::size_t limit = std::min(req.limit, caps_.max_page);
  auto channel = channel_of(req.topic);
  if (!channel) return channel.error();
  if (limit == 0) {
    page empty;
    empty.next_cursor = req.since.value_or(cursor{caps_.zero_cursor});
    return empty;
  }
  if (req.since) return fetch_after(*channel, req.topic, req.since->text, limit);
  auto msgs = ascending(api_->messages(*channel, std::nullopt, limit));
  if (!msgs) return msgs.error();
  page out;
  for (const auto& m : *msgs) out.messages.push_back(to_message(m, req.topic));
  out.next_cursor = out.messages.empty() ? cursor{caps_.zero_cursor} : out.messages.back().cursor;
  return out;
}

result<page> discord_backend::fetch_after(const std::string& channel_id, const std::string& topic,
                                          const std::string& since, std::size_t limit) {
  page out;
  std::string after = since;
  while (out.messages.size() < limit) {
    const std::size_t want = std::min(page_size, limit - out.messages.size());
    auto msgs = ascending(api_->messages(channel_id, after, want));
    if (!msgs) return msgs.error();
    for (const auto& m : *msgs)
      if (snowflake_less(after, m.id) && out.messages.size() < limit) out.messages.push_back(to_message(m, topic));
    if (msgs->size() < want || out.messages.empty() || out.messages.back().backend_msg_id == after) break;
    after = out.messages.back().backend_msg_id;
  }
  out.next_cursor = out.messages.empty() ? cursor{since} : out.messages.back().cursor;
  return out;
}

result<identity_ref> discord_backend::resolve_identity(const std::string& handle) {
  if (api_ && handle == bot_.username) return identity_ref{handle, bot_.id};
  return identity_ref{handle, handle};
}

}  // namespace parley::discord
