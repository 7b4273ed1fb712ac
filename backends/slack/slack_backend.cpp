#include "backends/slack/slack_backend.hpp"

#include <algorithm>

#include "backends/slack/channel_history.hpp"
#include "backends/slack/scopes.hpp"
#include "backends/slack/slack_ts.hpp"
#include "src/seam/registry.hpp"
#include "src/seam/typed_connect.hpp"
#include "src/util/log.hpp"
#include "src/util/utf8.hpp"

namespace parley::slack {

namespace {

constexpr const char* component = "slack";
/// Slack keeps at most 40000 characters of a message's text; this leaves
/// room for the handle prefix and for `&`, `<`, `>` escapes.
constexpr std::size_t max_content_bytes = 30000;
constexpr std::size_t max_text_chars = 40000;
constexpr auto socket_start_wait = std::chrono::milliseconds(10'000);

const backend_registrar registration{"slack", {}, [] { return std::make_unique<slack_backend>(); }};

}  // namespace

/// One subscriber; cancel() unregisters it from the session.
class slack_backend::channel_subscription final : public subscription {
 public:
  channel_subscription(socket_session& s, std::uint64_t id) : session_(&s), id_(id) {}
  ~channel_subscription() override { cancel(); }
  void cancel() override {
    if (session_ == nullptr) return;
    session_->remove(id_);
    session_ = nullptr;
  }

 private:
  socket_session* session_;
  std::uint64_t id_;
};

slack_backend::slack_backend() {
  caps_.native_long_poll = false;
  caps_.cross_process_live = true;  // every post reaches the app's socket
  caps_.sender_is_identity = true;  // the handle travels as username or prefix
  caps_.stores_in_reply_to = true;  // thread_ts
  caps_.max_content_bytes = max_content_bytes;
  caps_.zero_cursor = "0";
}

slack_backend::~slack_backend() {
  disconnect();
}

const parley::capabilities& slack_backend::capabilities() const noexcept {
  return caps_;
}

void slack_backend::set_health_listener(health_listener listener) {
  health_listener_ = std::move(listener);
}

result<void> slack_backend::connect(const config::value& backend_config) {
  return connect_typed<slack_config>(*this, backend_config, "Slack");
}

result<void> slack_backend::connect(const slack_config& cfg) {
  cfg_ = cfg;
  api_ = std::make_unique<slack_api>(cfg_);
  auto who = api_->read("auth.test", {});
  if (!who) {
    api_.reset();
    return who.error();
  }
  self_ = {who->text("user_id"), who->text("bot_id"), who->text("user")};
  const bool customize = has_scope(who->scopes, "chat:write.customize");
  as_username_ = cfg_.display == handle_display::username ||
                 (cfg_.display == handle_display::automatic && customize);
  if (cfg_.display == handle_display::username && !who->scopes.empty() && !customize)
    log::warn(component,
              "handle_display: username, but the bot token lacks chat:write.customize; Slack will "
              "show the bot's own name");
  if (auto missing = missing_scopes(who->scopes); !missing.empty())
    log::warn(component, "the bot token lacks " + missing +
                             ": add it under OAuth & Permissions and reinstall the app");
  if (cfg_.app_token.empty())
    log::warn(component,
              "no app_token (or $PARLEY_SLACK_APP_TOKEN): posts and history work, live delivery "
              "does not");
  session_ =
      std::make_unique<socket_session>(*api_, self_, [this](health h, const std::string& why) {
        if (health_listener_) health_listener_(h, why);
      });
  return {};
}

void slack_backend::disconnect() {
  stopped_ = true;  // ends a post waiting for its budget
  if (session_) session_->clear();
  if (api_) api_->stop();
  if (session_) session_->stop();
}

result<void> slack_backend::check_connected() const {
  if (!api_ || !session_) return fail(errc::not_connected, "the Slack backend is not connected");
  return {};
}

result<std::unique_ptr<subscription>> slack_backend::subscribe(const std::string& topic,
                                                               subscription_sink& sink) {
  if (auto c = check_connected(); !c) return c.error();
  if (auto started = session_->ensure_started(socket_start_wait); !started) return started.error();
  const std::string channel = cfg_.channel_of(topic);
  auto newest = channel_history(*api_, channel, topic, self_).latest_ts();
  if (!newest) return newest.error();
  const auto id = session_->add(channel, topic, *newest, sink);
  return std::unique_ptr<subscription>(std::make_unique<channel_subscription>(*session_, id));
}

form_fields slack_backend::post_fields(const post_request& req) const {
  form_fields f{{"channel", cfg_.channel_of(req.topic)}};
  std::string text = escape_text(req.content);
  if (!req.identity.empty()) {
    const std::string prefix = handle_prefix(req.identity);
    // Under a username the prefix goes only where reading it back needs it.
    if (!as_username_ || text.empty() || text.rfind(prefix, 0) == 0) text = prefix + text;
    if (as_username_) f.emplace_back("username", req.identity);
  }
  f.emplace_back("text", text);
  if (req.in_reply_to) {
    f.emplace_back("thread_ts", *req.in_reply_to);
    f.emplace_back("reply_broadcast",
                   "true");  // the reply shows in the channel, where history reads
  }
  return f;
}

result<stored_post> slack_backend::post(const post_request& req) {
  if (auto c = check_connected(); !c) return c.error();
  if (req.content.size() > max_content_bytes)
    return fail(errc::payload_too_large,
                "a Slack message holds at most " + std::to_string(max_content_bytes) +
                    " bytes here; this one has " + std::to_string(req.content.size()));
  if (req.in_reply_to && !slack_ts::parse(*req.in_reply_to))
    return fail(errc::invalid_argument,
                "in_reply_to \"" + *req.in_reply_to + "\" is not a Slack message ts");
  const auto fields = post_fields(req);
  const auto& text = std::find_if(fields.begin(), fields.end(), [](const auto& kv) {
                       return kv.first == "text";
                     })->second;
  if (utf8::code_point_count(text) > max_text_chars)
    return fail(errc::payload_too_large,
                "a Slack message holds at most 40000 characters once escaped");
  if (auto turn =
          post_budget::of(cfg_.bot_token, fields.front().second, cfg_.rate)->acquire(stopped_);
      !turn)
    return turn.error();
  auto a = api_->write("chat.postMessage", fields);
  if (!a) return a.error();
  simdjson::dom::object msg;
  if (a->root()["message"].get_object().get(msg) != simdjson::SUCCESS)
    return fail(errc::backend_unavailable, "Slack chat.postMessage → an answer without message");
  auto m = to_message(msg, req.topic, self_);
  if (!m)
    return fail(errc::backend_unavailable,
                "Slack chat.postMessage → a message without a usable ts");
  return stored_post{std::move(*m), std::nullopt};
}

result<page> slack_backend::fetch_recent(const fetch_request& req) {
  if (auto c = check_connected(); !c) return c.error();
  if (req.since && !slack_ts::parse(req.since->text))
    return fail(errc::malformed_cursor, "cursor \"" + req.since->text + "\" of topic \"" +
                                            req.topic + "\" is not a Slack message ts");
  const std::size_t limit = std::min(req.limit, caps_.max_page);
  if (limit == 0) {
    page empty;
    empty.next_cursor = req.since.value_or(cursor{caps_.zero_cursor});
    return empty;
  }
  channel_history history(*api_, cfg_.channel_of(req.topic), req.topic, self_);
  return req.since ? history.after(req.since->text, limit) : history.newest(limit);
}

result<std::vector<message>> slack_backend::thread_replies(const std::string& topic,
                                                           const std::string& parent_ts) {
  if (auto c = check_connected(); !c) return c.error();
  if (!slack_ts::parse(parent_ts))
    return fail(errc::invalid_argument, "\"" + parent_ts + "\" is not a Slack message ts");
  return channel_history(*api_, cfg_.channel_of(topic), topic, self_).thread(parent_ts);
}

result<identity_ref> slack_backend::resolve_identity(const std::string& handle) {
  if (auto c = check_connected(); !c) return c.error();
  if (handle.find('@') != std::string::npos) {
    auto a = api_->read("users.lookupByEmail", {{"email", handle}});
    if (!a) return a.error();
    simdjson::dom::object user;
    if (a->root()["user"].get_object().get(user) != simdjson::SUCCESS)
      return fail(errc::backend_unavailable, "Slack users.lookupByEmail → an answer without user");
    return identity_ref{handle, member_text(user, "id")};
  }
  if (handle == self_.name || handle == self_.user_id) return identity_ref{handle, self_.user_id};
  return identity_ref{handle, handle};
}

}  // namespace parley::slack
