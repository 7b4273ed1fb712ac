#include "backends/zulip/zulip_api.hpp"

#include <cmath>

#include "src/util/base64.hpp"
#include "src/util/log.hpp"
#include "src/util/sha256.hpp"
#include "src/util/url.hpp"
#include "src/util/window_limiter.hpp"

namespace parley::zulip {

namespace {

/// The process's request budget per account, in 1 min windows.
window_limiter& request_limiter() {
  static window_limiter limiter(std::chrono::milliseconds(60'000));
  return limiter;
}

}  // namespace

result<zulip_answer> zulip_answer::parse(const std::string& label, std::string_view body) {
  const std::string text = json::repair_text(body);
  if (text != body) log::warn("zulip", label + " → an answer with bytes that are not UTF-8; each shown as U+FFFD");
  auto doc = json::document::parse(text, label, {false, true});
  if (!doc) return fail(errc::backend_unavailable, label + " → an answer that is not a JSON object");
  return zulip_answer(std::move(*doc));
}

std::string zulip_answer::text(std::string_view key) const {
  return member_text(root(), key);
}

std::optional<std::chrono::milliseconds> retry_after_of(const http::http_response& r) {
  auto doc = json::document::parse(r.body, "429 body", json::lenient_object);
  if (!doc) return std::nullopt;
  auto s = json::member<double>(doc->object(), "retry-after");
  if (!s) {
    auto i = json::member<std::int64_t>(doc->object(), "retry-after");
    if (!i) return std::nullopt;
    s = static_cast<double>(*i);
  }
  if (!std::isfinite(*s) || *s <= 0) return std::nullopt;
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(std::min(*s, 86400.0) * 1000.0)));
}

zulip_api::zulip_api(const zulip_config& cfg)
    : cfg_(cfg),
      authorization_("Basic " + base64::encode(cfg.email + ":" + cfg.api_key)),
      budget_key_(sha256_hex(cfg.site_url + "\n" + cfg.email + ":" + cfg.api_key)) {}

std::string zulip_api::label(const std::string& method, const std::string& path) {
  return "Zulip " + method + " /api/v1" + path;
}

void zulip_api::stop() {
  {
    std::lock_guard lock(wait_mu_);
    stopped_ = true;
  }
  wait_cv_.notify_all();
  client_.stop();
}

bool zulip_api::wait_for_budget() {
  if (cfg_.requests_per_minute <= 0) return true;
  const auto wait =
      request_limiter().reserve(budget_key_, cfg_.requests_per_minute, window_limiter::clock::now());
  std::unique_lock lock(wait_mu_);
  return !wait_cv_.wait_for(lock, wait, [&] { return stopped_; });
}

result<http::http_response> zulip_api::exchange(const std::string& method, const std::string& path,
                                                const fields& params, http::retry_policy policy,
                                                std::chrono::milliseconds timeout, bool budgeted) {
  http::http_request req;
  req.method = method;
  req.url = cfg_.api_base() + path;
  if (method == "GET" || method == "DELETE") {
    if (!params.empty()) req.url += "?" + url::form_encode(params);
  } else {
    req.body = url::form_encode(params);
    req.content_type = "application/x-www-form-urlencoded";
  }
  req.headers.emplace_back("Authorization", authorization_);
  req.timeout = timeout;
  req.label = label(method, path);
  policy.retry_after = retry_after_of;
  if (budgeted && !wait_for_budget()) return fail(errc::not_connected, req.label + " → stopped");
  return client_.call(req, policy);
}

result<zulip_answer> zulip_api::call(const std::string& method, const std::string& path,
                                     const fields& params, http::retry_policy policy) {
  auto r = exchange(method, path, params, std::move(policy), cfg_.request_timeout);
  if (!r) return r.error();
  return zulip_answer::parse(label(method, path), r->body);
}

result<zulip_answer> zulip_api::get(const std::string& path, const fields& query) {
  return call("GET", path, query, http::retry_policy::retry_safe());
}

result<zulip_answer> zulip_api::post(const std::string& path, const fields& form) {
  return call("POST", path, form, http::retry_policy{});
}

result<zulip_answer> zulip_api::post_safe(const std::string& path, const fields& form) {
  return call("POST", path, form, http::retry_policy::retry_safe());
}

}  // namespace parley::zulip
