#include "backends/discord/discord_api.hpp"

#include <cmath>

#include "src/util/window_limiter.hpp"
#include "src/json/writer.hpp"
#include "src/util/url.hpp"

namespace parley::discord {

namespace {

/// Discord's global limit is 50 requests per second per bot token; 45 leaves
/// room for requests that arrive closer together than they were sent.
constexpr long requests_per_second = 45;

/// The process's request budget per bot token, in 1 s windows: a burst of
/// posts queues here rather than collecting 429s.
window_limiter& request_limiter() {
  static window_limiter limiter(std::chrono::milliseconds(1000));
  return limiter;
}

std::string channel_path(const std::string& channel_id) {
  return "/channels/" + url::encode_path_segment(channel_id) + "/messages";
}

result<json::document> body_of(const result<http::http_response>& r, const std::string& label) {
  if (!r) return r.error();
  return json::document::parse(r->body, label + " response");
}

}  // namespace

std::optional<std::chrono::milliseconds> retry_after_seconds(const http::http_response& r) {
  auto doc = json::document::parse(r.body, "429 body");
  if (!doc) return std::nullopt;
  auto s = json::member<double>(doc->root(), "retry_after");
  if (!s || !std::isfinite(*s) || *s <= 0) return std::nullopt;
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(std::min(*s, 86400.0) * 1000.0)));
}

discord_api::discord_api(const discord_config& cfg) : cfg_(cfg) {}

void discord_api::stop() {
  {
    std::lock_guard lock(wait_mu_);
    stopped_ = true;
  }
  wait_cv_.notify_all();
  client_.stop();
}

bool discord_api::wait_for_budget() {
  const auto wait = request_limiter().reserve(cfg_.token, requests_per_second, window_limiter::clock::now());
  std::unique_lock lock(wait_mu_);
  return !wait_cv_.wait_for(lock, wait, [&] { return stopped_; });
}

result<http::http_response> discord_api::call(const std::string& method, const std::string& url,
                                              const std::string& body, const std::string& label,
                                              http::retry_policy policy, bool authorized) {
  http::http_request req;
  req.method = method;
  req.url = url;
  if (authorized) req.headers.emplace_back("Authorization", "Bot " + cfg_.token);
  req.body = body;
  if (!body.empty()) req.content_type = "application/json";
  req.timeout = std::chrono::milliseconds(cfg_.request_timeout_ms);
  req.label = "Discord " + method + " " + label;
  policy.retry_after = retry_after_seconds;
  if (!wait_for_budget()) return fail(errc::not_connected, req.label + " → stopped");
  return client_.call(req, policy);
}

result<json::document> discord_api::get_json(const std::string& path, const std::string& label) {
  return body_of(call("GET", cfg_.api_url + path, "", label, http::retry_policy::retry_safe()), "Discord GET " + label);
}

result<bot_user> discord_api::me() {
  auto doc = get_json("/users/@me", "/users/@me");
  if (!doc) return doc.error();
  bot_user u{json::text_of(doc->root(), "id").value_or(""), json::text_of(doc->root(), "username").value_or("")};
  if (u.id.empty()) return fail(errc::backend_unavailable, "Discord GET /users/@me → 200 without an id");
  return u;
}

result<std::int64_t> discord_api::application_flags() {
  auto doc = get_json("/applications/@me", "/applications/@me");
  if (!doc) return doc.error();
  return json::member<std::int64_t>(doc->root(), "flags").value_or(0);
}

result<gateway_info> discord_api::gateway_bot() {
  auto doc = get_json("/gateway/bot", "/gateway/bot");
  if (!doc) return doc.error();
  gateway_info g;
  g.url = json::text_of(doc->root(), "url").value_or("");
  if (g.url.empty()) return fail(errc::backend_unavailable, "Discord GET /gateway/bot → 200 without a url");
  if (auto l = json::member<simdjson::dom::element>(doc->root(), "session_start_limit"); l && l->is_object()) {
    g.total = json::member<std::int64_t>(*l, "total").value_or(g.total);
    g.remaining = json::member<std::int64_t>(*l, "remaining").value_or(g.remaining);
    g.reset_after_ms = json::member<std::int64_t>(*l, "reset_after").value_or(0);
    g.max_concurrency = json::member<std::int64_t>(*l, "max_concurrency").value_or(1);
  }
  return g;
}

result<json::document> discord_api::create_message(const std::string& channel_id, const std::string& content,
                                             const std::optional<std::string>& reply_to) {
  json::writer w;
  w.begin_object().key("content").value(content);
  // Mentions in an agent's text must not ping @everyone or roles by accident.
  w.key("allowed_mentions").begin_object().key("parse").begin_array().value("users").end_array().end_object();
  if (reply_to)
    w.key("message_reference").begin_object().key("message_id").value(*reply_to).key("fail_if_not_exists").value(true)
        .end_object();
  w.end_object();
  // A create is not idempotent: a transport error fails at once (no duplicate).
  return body_of(call("POST", cfg_.api_url + channel_path(channel_id), std::move(w).take(),
                      "/channels/{channel}/messages", {}),
                 "Discord POST /channels/{channel}/messages");
}

result<json::document> discord_api::execute_webhook(const std::string& url, const std::string& content,
                                              const std::string& username) {
  json::writer w;
  w.begin_object().key("content").value(content).key("username").value(username);
  w.key("allowed_mentions").begin_object().key("parse").begin_array().value("users").end_array().end_object();
  w.end_object();
  // The webhook URL carries its own token: no Authorization, and the label
  // never shows the URL.
  return body_of(call("POST", url + "?wait=true", std::move(w).take(), "/webhooks/{webhook}", {}, false),
                 "Discord POST /webhooks/{webhook}");
}

result<json::document> discord_api::messages(const std::string& channel_id, const std::optional<std::string>& after,
                                       std::size_t limit) {
  std::string query = "limit=" + std::to_string(std::clamp<std::size_t>(limit, 1, 100));
  if (after) query += "&after=" + url::encode_query_value(*after);
  auto policy = http::retry_policy::retry_safe();
  policy.allowed_statuses = {404};
  const std::string label = "/channels/{channel}/messages";
  auto r = call("GET", cfg_.api_url + channel_path(channel_id) + "?" + query, "", label, policy);
  if (!r) return r.error();
  if (r->status == 404)
    return fail(errc::no_such_topic, "Discord channel " + channel_id + " is unknown to the bot (404)");
  return json::document::parse(r->body, "Discord GET " + label + " response");
}

}  // namespace parley::discord
