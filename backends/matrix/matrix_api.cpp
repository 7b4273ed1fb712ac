#include "backends/matrix/matrix_api.hpp"

#include <random>

#include "src/json/writer.hpp"
#include "src/util/iso_time.hpp"
#include "src/util/url.hpp"

namespace parley::matrix {

namespace {

constexpr const char* v3 = "/_matrix/client/v3";

std::string query_of(std::initializer_list<std::pair<const char*, std::optional<std::string>>> fields) {
  std::vector<std::pair<std::string, std::string>> present;
  for (const auto& [k, v] : fields)
    if (v) present.emplace_back(k, *v);
  return url::form_encode(present);
}

std::string room_path(const std::string& room_id) { return std::string(v3) + "/rooms/" + url::encode_path_segment(room_id); }

/// A string member of a response body, or an error naming the request.
result<std::string> member(const http::http_response& r, const char* key, const std::string& label) {
  auto doc = json::document::parse(r.body, label + " response", json::lenient_object);
  if (!doc) return doc.error();
  auto v = json::text_of(doc->object(), key);
  if (!v) return fail(errc::backend_unavailable, label + " → " + std::to_string(r.status) + " without " + key);
  return *v;
}

}  // namespace

std::optional<std::chrono::milliseconds> retry_after_ms(const http::http_response& r) {
  auto doc = json::document::parse(r.body, "429 body", json::lenient_object);
  if (!doc) return std::nullopt;
  auto ms = json::integer_of(doc->object(), "retry_after_ms");
  if (!ms) return std::nullopt;
  return std::chrono::milliseconds(*ms);
}

matrix_api::matrix_api(const matrix_config& cfg)
    : cfg_(cfg), token_(cfg.appservice ? cfg.appservice->as_token : cfg.access_token) {}

result<http::http_response> matrix_api::call(const std::string& method, const std::string& path,
                                             const std::string& query, const std::string& body,
                                             const std::string& label, http::retry_policy policy,
                                             std::chrono::milliseconds timeout) {
  http::http_request req;
  req.method = method;
  req.url = cfg_.homeserver_url + path + (query.empty() ? "" : "?" + query);
  if (!token_.empty()) req.headers.emplace_back("Authorization", "Bearer " + token_);
  req.body = body;
  if (!body.empty()) req.content_type = "application/json";
  req.timeout = timeout;
  req.label = "Matrix " + method + " " + label;
  policy.retry_after = retry_after_ms;
  return client_.call(req, policy);
}

result<http::http_response> matrix_api::call(const std::string& method, const std::string& path,
                                             const std::string& query, const std::string& body,
                                             const std::string& label, http::retry_policy policy) {
  return call(method, path, query, body, label, std::move(policy),
              std::chrono::milliseconds(cfg_.request_timeout_ms));
}

result<void> matrix_api::login() {
  if (!token_.empty()) return whoami();
  json::writer w;
  w.begin_object().key("type").value("m.login.password");
  w.key("identifier").begin_object().key("type").value("m.id.user").key("user").value(cfg_.user).end_object();
  w.key("password").value(cfg_.password).key("initial_device_display_name").value("parley").end_object();
  auto policy = http::retry_policy::retry_safe();
  policy.allowed_statuses = {404};
  auto r = call("POST", std::string(v3) + "/login", "", std::move(w).take(), "/_matrix/client/v3/login", policy);
  if (!r) return r.error();
  if (r->status == 404)
    return fail(errc::bad_credentials, "Matrix homeserver " + cfg_.homeserver_url +
                                           " refuses password login (404); set backend_config.access_token "
                                           "(or $PARLEY_MATRIX_ACCESS_TOKEN) and user_id");
  auto token = member(*r, "access_token", "Matrix POST /login");
  if (!token) return token.error();
  auto uid = member(*r, "user_id", "Matrix POST /login");
  if (!uid) return uid.error();
  token_ = *token;
  user_id_ = *uid;
  return {};
}

result<void> matrix_api::whoami() {
  const std::string path = std::string(v3) + "/account/whoami";
  auto r = call("GET", path, "", "", path, http::retry_policy::retry_safe());
  if (!r) return r.error();
  auto uid = member(*r, "user_id", "Matrix GET " + path);
  if (!uid) return uid.error();
  if (!cfg_.user_id.empty() && cfg_.user_id != *uid)
    return fail(errc::bad_credentials, "the Matrix access token belongs to " + *uid + ", not to the configured user_id " +
                                           cfg_.user_id);
  user_id_ = *uid;
  return {};
}

result<std::optional<std::string>> matrix_api::lookup_alias(const std::string& alias) {
  auto policy = http::retry_policy::retry_safe();
  policy.allowed_statuses = {404};
  auto r = call("GET", std::string(v3) + "/directory/room/" + url::encode_path_segment(alias), "", "",
                "/_matrix/client/v3/directory/room/{alias}", policy);
  if (!r) return r.error();
  if (r->status == 404) return std::optional<std::string>{};
  auto id = member(*r, "room_id", "Matrix GET /directory/room");
  if (!id) return id.error();
  return std::optional<std::string>{*id};
}

result<std::string> matrix_api::join(const std::string& room_id, const std::string& query) {
  auto policy = http::retry_policy::retry_safe();
  policy.allowed_statuses = {403};  // the original tolerates it: a send then says what is wrong
  auto r = call("POST", room_path(room_id) + "/join", query, "{}", "/_matrix/client/v3/rooms/{room}/join", policy);
  if (!r) return r.error();
  return room_id;
}

result<std::string> matrix_api::resolve_room(const std::string& alias, const std::string& localpart) {
  auto found = lookup_alias(alias);
  if (!found) return found.error();
  if (*found) return join(**found);
  json::writer w;
  w.begin_object().key("room_alias_name").value(localpart).key("preset").value("public_chat");
  w.key("visibility").value("private").end_object();
  http::retry_policy policy;
  policy.allowed_statuses = {400, 409};  // taken meanwhile by another writer
  auto r = call("POST", std::string(v3) + "/createRoom", "", std::move(w).take(), "/_matrix/client/v3/createRoom",
                policy);
  if (!r) return r.error();
  if (r->ok()) return member(*r, "room_id", "Matrix POST /createRoom");
  auto again = lookup_alias(alias);
  if (!again) return again.error();
  if (*again) return join(**again);
  return fail(errc::backend_unavailable, "Matrix createRoom failed (" + std::to_string(r->status) +
                                             ") and alias unresolved: " + r->body.substr(0, 300));
}

std::string matrix_api::next_txn_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return "parley-" + std::to_string(now_epoch_ms()) + "-" + std::to_string(++txn_counter_) + "-" +
         std::to_string(rng() % 1'000'000'000u);
}

result<void> matrix_api::join_as(const std::string& room_id, const std::string& as_user) {
  auto joined = join(room_id, query_of({{"user_id", as_user}}));
  if (!joined) return joined.error();
  return {};
}

result<std::string> matrix_api::register_user(const std::string& localpart) {
  json::writer w;
  w.begin_object().key("type").value("m.login.application_service").key("username").value(localpart);
  w.key("inhibit_login").value(true).end_object();
  auto policy = http::retry_policy::retry_safe();
  policy.allowed_statuses = {400};  // M_USER_IN_USE: registered before
  auto r = call("POST", std::string(v3) + "/register", "", std::move(w).take(), "/_matrix/client/v3/register", policy);
  if (!r) return r.error();
  const std::string user_id = "@" + localpart + ":" + cfg_.server_name;
  if (r->ok() || r->body.find("M_USER_IN_USE") != std::string::npos) return user_id;
  return fail(errc::invalid_config, "Matrix POST /register → 400: " + r->body.substr(0, 300));
}

result<std::string> matrix_api::send(const std::string& room_id, const std::string& content_json,
                                     const std::optional<std::string>& as_user) {
  // The transaction id makes the PUT idempotent, so a retry never posts twice.
  const std::string path = room_path(room_id) + "/send/m.room.message/" + url::encode_path_segment(next_txn_id());
  auto r = call("PUT", path, query_of({{"user_id", as_user}}), content_json, "/_matrix/client/v3/rooms/{room}/send/m.room.message/{txn}",
                http::retry_policy::retry_safe());
  if (!r) return r.error();
  return member(*r, "event_id", "Matrix PUT /send");
}

result<json::document> matrix_api::messages(const std::string& room_id, const messages_query& q) {
  const std::string query = query_of({{"dir", std::string(1, q.dir)},
                                      {"from", q.from},
                                      {"to", q.to},
                                      {"limit", std::to_string(q.limit)},
                                      {"filter", q.filter.empty() ? std::nullopt : std::optional(q.filter)}});
  const std::string label = "/_matrix/client/v3/rooms/{room}/messages";
  auto r = call("GET", room_path(room_id) + "/messages", query, "", label, http::retry_policy::retry_safe());
  if (!r) return r.error();
  return json::document::parse(r->body, "Matrix GET " + label + " response", json::lenient_object);
}

result<std::optional<json::document>> matrix_api::context(const std::string& room_id, const std::string& event_id) {
  auto policy = http::retry_policy::retry_safe();
  policy.allowed_statuses = {404};
  const std::string label = "/_matrix/client/v3/rooms/{room}/context/{event}";
  auto r = call("GET", room_path(room_id) + "/context/" + url::encode_path_segment(event_id), "limit=0", "", label,
                policy);
  if (!r) return r.error();
  if (r->status == 404) return std::optional<json::document>{};
  auto doc = json::document::parse(r->body, "Matrix GET " + label + " response", json::lenient_object);
  if (!doc) return doc.error();
  return std::optional<json::document>{std::move(*doc)};
}

result<json::document> matrix_api::sync(const std::string& filter, const std::optional<std::string>& since,
                                  std::int64_t timeout_ms) {
  const std::string query =
      query_of({{"filter", filter}, {"since", since}, {"timeout", std::to_string(timeout_ms)}});
  http::retry_policy policy;
  policy.idempotent = true;
  policy.transport_attempts = 1;  // the long-poll loop backs off and reports health itself
  const std::string path = std::string(v3) + "/sync";
  auto r = call("GET", path, query, "", path, policy, std::chrono::milliseconds(timeout_ms + 15000));
  if (!r) return r.error();
  return json::document::parse(r->body, "Matrix GET /sync response", json::lenient_object);
}

}  // namespace parley::matrix
