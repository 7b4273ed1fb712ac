#include "backends/matrix/testing/fake_homeserver.hpp"

#include <stdexcept>

#include "backends/matrix/json_doc.hpp"
#include "src/util/url.hpp"

namespace parley::matrix::testing {

fake_homeserver::fake_homeserver(std::vector<std::string> extra_args) {
  std::vector<std::string> args{"/usr/bin/python3", PARLEY_MATRIX_FAKE, "--port", "0"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  process_ = std::make_unique<parley::testing::child_server>(std::move(args));
  url_ = "http://127.0.0.1:" + std::to_string(process_->port());
}

fake_homeserver::~fake_homeserver() { client_.stop(); }

std::string fake_homeserver::control(const std::string& method, const std::string& path, const std::string& body) {
  http::http_request req;
  req.method = method;
  req.url = url_ + path;
  req.body = body;
  if (!body.empty()) req.content_type = "application/json";
  req.label = "fake " + method + " " + path;
  auto r = client_.send(req);
  if (!r) throw std::runtime_error(r.error().message);
  if (!r->ok()) throw std::runtime_error(req.label + " → " + std::to_string(r->status) + ": " + r->body);
  return r->body;
}

std::string fake_homeserver::inject(const std::string& room, const std::string& sender, const std::string& content_json,
                                   const std::string& extra_members) {
  auto body = control("POST", "/_fake/rooms/" + url::encode_path_segment(room) + "/inject",
                      R"({"sender":")" + sender + R"(","content":)" + content_json + extra_members + "}");
  auto doc = json_doc::parse(body, "inject");
  if (!doc) throw std::runtime_error(doc.error().message);
  return string_at(doc->root(), "event_id").value_or("");
}

fake_homeserver::token fake_homeserver::mint_token(const std::string& user) {
  auto body = control("POST", "/_fake/tokens", R"({"user":")" + user + R"("})");
  auto doc = json_doc::parse(body, "tokens");
  if (!doc) throw std::runtime_error(doc.error().message);
  return {string_at(doc->root(), "access_token").value_or(""), string_at(doc->root(), "user_id").value_or("")};
}

fake_homeserver& shared_fake() {
  static fake_homeserver fake({"--user", "parley:test-password", "--user", "alice:alice-password"});
  return fake;
}

}  // namespace parley::matrix::testing
