#include "backends/slack/slack_api.hpp"

#include "src/util/url.hpp"

namespace parley::slack {

namespace {

errc code_of(std::string_view error) {
  if (error == "invalid_auth" || error == "not_authed" || error == "account_inactive" ||
      error == "token_revoked" || error == "token_expired" || error == "missing_scope" ||
      error == "not_allowed_token_type" || error == "no_permission" || error == "ekm_access_denied")
    return errc::bad_credentials;
  if (error == "channel_not_found") return errc::no_such_topic;
  if (error == "msg_too_long") return errc::payload_too_large;
  if (error == "ratelimited" || error == "internal_error" || error == "fatal_error" ||
      error == "service_unavailable" || error == "request_timeout")
    return errc::backend_unavailable;
  return errc::invalid_argument;
}

}  // namespace

result<slack_answer> slack_answer::parse(std::string_view method, std::string_view body) {
  const std::string label = "Slack " + std::string(method);
  auto doc = json::document::parse(body, label, json::lenient_object);
  if (!doc) return fail(errc::backend_unavailable, label + " → an answer that is not a JSON object");
  const auto root = doc->object();
  if (!json::member<bool>(root, "ok").value_or(false)) {
    std::string error = member_text(root, "error");
    if (error.empty()) error = "ok is not true";
    std::string detail;
    if (error == "missing_scope") detail = " (needs " + member_text(root, "needed") + ")";
    return fail(code_of(error), label + " → " + error + detail);
  }
  return slack_answer(std::move(*doc));
}

std::string slack_answer::text(std::string_view key) const {
  return member_text(doc_.object(), key);
}

slack_api::slack_api(const slack_config& cfg) : cfg_(cfg) {}

result<slack_answer> slack_api::call(const std::string& method, const form_fields& fields,
                                     const std::string& token, const http::retry_policy& policy) {
  http::http_request req;
  req.method = "POST";
  req.url = cfg_.api_url + "/" + method;
  req.headers.emplace_back("Authorization", "Bearer " + token);
  req.body = url::form_encode(fields);
  req.content_type = "application/x-www-form-urlencoded";
  req.timeout = cfg_.request_timeout;
  req.label = "Slack " + method;
  auto r = client_.call(req, policy);  // 429: Retry-After seconds, capped; else 500 ms
  if (!r) return r.error();
  auto answer = slack_answer::parse(method, r->body);
  if (!answer) return answer.error();
  if (auto s = r->header("x-oauth-scopes")) answer->scopes = std::string(*s);
  return answer;
}

result<slack_answer> slack_api::read(const std::string& method, const form_fields& fields) {
  return call(method, fields, cfg_.bot_token, http::retry_policy::retry_safe());
}

result<slack_answer> slack_api::write(const std::string& method, const form_fields& fields) {
  return call(method, fields, cfg_.bot_token, http::retry_policy{});
}

result<std::string> slack_api::open_connection() {
  if (cfg_.app_token.empty())
    return fail(
        errc::invalid_config,
        "Slack live delivery needs an app-level token (xapp-…, scope connections:write): set "
        "backend_config.app_token or $PARLEY_SLACK_APP_TOKEN");
  auto policy = http::retry_policy::retry_safe();
  policy.transport_attempts = 1;  // the session loop backs off itself
  auto a = call("apps.connections.open", {}, cfg_.app_token, policy);
  if (!a) return a.error();
  auto u = a->text("url");
  if (u.empty())
    return fail(errc::backend_unavailable, "Slack apps.connections.open → an answer without url");
  return u;
}

}  // namespace parley::slack
