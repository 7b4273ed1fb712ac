#include "backends/telegram/bot_api.hpp"

#include <cmath>

#include "src/util/utf8.hpp"

namespace parley::telegram {

namespace {

std::optional<std::chrono::milliseconds> retry_after_of(const http::http_response& r) {
  simdjson::dom::parser p;
  simdjson::dom::element root;
  double seconds = 0;
  if (p.parse(utf8::repair(r.body)).get(root) != simdjson::SUCCESS) return std::nullopt;
  auto v = root.at_pointer("/parameters/retry_after");
  if (v.get_double().get(seconds) != simdjson::SUCCESS) {
    std::int64_t n = 0;
    if (v.get_int64().get(n) != simdjson::SUCCESS) return std::nullopt;
    seconds = static_cast<double>(n);
  }
  return std::chrono::milliseconds(static_cast<long long>(std::ceil(seconds * 1000)));
}

std::optional<unsigned> hex4(std::string_view s, std::size_t i) {
  if (i + 4 > s.size()) return std::nullopt;
  unsigned v = 0;
  for (std::size_t k = i; k < i + 4; ++k) {
    const char c = s[k];
    const int d = c >= '0' && c <= '9' ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : -1;
    if (d < 0) return std::nullopt;
    v = v * 16 + static_cast<unsigned>(d);
  }
  return v;
}

/// JSON text with every unpaired surrogate escape (`\ud800` alone: a text
/// that has no UTF-8) replaced by `\ufffd`, which the parser accepts.
std::string repair_surrogate_escapes(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out += s[i++];
      continue;
    }
    auto code = s[i + 1] == 'u' ? hex4(s, i + 2) : std::nullopt;
    if (!code || *code < 0xD800 || *code > 0xDFFF) {
      out.append(s.substr(i, 2));  // any other escape, `\\` included
      i += 2;
      continue;
    }
    auto low = *code <= 0xDBFF && s.substr(i + 6, 2) == "\\u" ? hex4(s, i + 8) : std::nullopt;
    if (low && *low >= 0xDC00 && *low <= 0xDFFF) {
      out.append(s.substr(i, 12));
      i += 12;
    } else {
      out += "\\ufffd";
      i += 6;
    }
  }
  return out;
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
  bot_answer a;
  a.parser_ = std::make_unique<simdjson::dom::parser>();
  simdjson::dom::element root;
  std::string body = utf8::repair(r->body);
  a.repaired_ = body != r->body;
  if (a.parser_->parse(body).get(root) != simdjson::SUCCESS) {
    body = repair_surrogate_escapes(body);
    a.repaired_ = true;
  }
  if (a.parser_->parse(body).get(root) != simdjson::SUCCESS)
    return fail(errc::backend_unavailable, req.label + " → " + std::to_string(r->status) +
                                               ": an answer that is not JSON");
  bool ok = false;
  if (root["ok"].get_bool().get(ok) != simdjson::SUCCESS || !ok || !r->ok()) {
    std::string_view description = "ok is not true";
    if (root["description"].get_string().get(description) != simdjson::SUCCESS)
      description = "ok is not true";
    std::string text = req.label + " → " + std::to_string(r->status) + " " + std::string(description);
    if (r->status == 409) text = conflict_prefix + text;
    return fail(code_for(r->status, description), text);
  }
  if (root["result"].get(a.result_) != simdjson::SUCCESS)
    return fail(errc::backend_unavailable, req.label + " → an answer without result");
  return a;
}

}  // namespace parley::telegram
