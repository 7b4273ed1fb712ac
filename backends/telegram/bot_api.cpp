#include "backends/telegram/bot_api.hpp"

#include <cmath>

#include "src/json/document.hpp"

namespace parley::telegram {

namespace {

std::optional<std::chrono::milliseconds> retry_after_of(const http::http_response& r) {
  auto doc = json::document::parse(r.body, "429 body", json::lenient_object);
  if (!doc) return std::nullopt;
  auto params = json::object_of(doc->object(), "parameters");
  if (!params) return std::nullopt;
  auto seconds = json::member<double>(*params, "retry_after");
  if (!seconds) {
    auto whole = json::member<std::int64_t>(*params, "retry_after");
    if (!whole) return std::nullopt;
    seconds = static_cast<double>(*whole);
  }
  return std::chrono::milliseconds(static_cast<long long>(std::ceil(*seconds * 1000)));
}

errc code_for(long status, std::string_view description) {
  if (status == 401 || status == 403) return errc::bad_credentials;
  if (description.find("chat not found") != std::string_view::npos) return errc::no_such_topic;
  if (description.find("too long") != std::string_view::npos) return errc::payload_too_large;
  if (status == 409 || status >= 500) return errc::backend_unavailable;
  return errc::invalid_argument;
}

}  // namespace

simdjson::dom::object bot_answer::object() const {
  simdjson::dom::object o;
  if (result_.get_object().get(o) != simdjson::SUCCESS) return {};
  return o;
}

bot_api::bot_api(const telegram_config& cfg) : cfg_(cfg) {}

result<bot_answer> bot_api::call(const std::string& method, const std::string& json_body,
                                 const std::string& query, std::chrono::milliseconds timeout) {
  http::http_request req;
  req.method = json_body.empty() ? "GET" : "POST";
  req.url = cfg_.api_url + "/bot" + cfg_.token + "/" + method + (query.empty() ? "" : "?" + query);
  req.body = json_body;
  if (!json_body.empty()) req.content_type = "application/json";
  req.timeout = timeout.count() > 0 ? timeout : cfg_.request_timeout;
  req.label = "Telegram " + method;
  http::retry_policy policy;
  policy.idempotent = method != "sendMessage";  // a repeated send would be a duplicate
  policy.allowed_statuses = {400, 404, 409};
  policy.retry_after = retry_after_of;
  policy.max_429_wait = std::chrono::milliseconds(60'000);
  auto r = client_.call(req, policy);
  if (!r) return r.error();
  // What people typed may carry bytes or escapes that are not UTF-8; a
  // strict parse would lose the whole batch of updates for one of them.
  auto doc = json::document::parse(r->body, req.label, json::lenient_object);
  if (!doc)
    return fail(errc::backend_unavailable, req.label + " → " + std::to_string(r->status) +
                                               ": an answer that is not a JSON object");
  const auto root = doc->object();
  if (!json::member<bool>(root, "ok").value_or(false) || !r->ok()) {
    const std::string description = json::text_of(root, "description").value_or("ok is not true");
    std::string text = req.label + " → " + std::to_string(r->status) + " " + description;
    if (r->status == 409) text = conflict_prefix + text;
    return fail(code_for(r->status, description), text);
  }
  auto result = json::member<simdjson::dom::element>(root, "result");
  if (!result) return fail(errc::backend_unavailable, req.label + " → an answer without result");
  const bool repaired = doc->repaired();
  return bot_answer(std::move(*doc), *result, repaired);
}

}  // namespace parley::telegram
