#include "backends/matrix/testing/fake_homeserver.hpp"

#include <stdexcept>

#include "src/json/document.hpp"
#include "src/util/url.hpp"

namespace parley::matrix::testing {

namespace {

std::vector<std::string> command(std::vector<std::string> extra_args) {
  std::vector<std::string> args{"/usr/bin/python3", PARLEY_MATRIX_FAKE, "--port", "0"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  return args;
}

}  // namespace

fake_homeserver::fake_homeserver(std::vector<std::string> extra_args)
    : fake_service(command(std::move(extra_args))) {}

std::string fake_homeserver::inject(const std::string& room, const std::string& sender, const std::string& content_json,
                                   const std::string& extra_members) {
  auto body = control("POST", "/_fake/rooms/" + url::encode_path_segment(room) + "/inject",
                      R"({"sender":")" + sender + R"(","content":)" + content_json + extra_members + "}");
  auto doc = json::document::parse(body, "inject", json::lenient_object);
  if (!doc) throw std::runtime_error(doc.error().message);
  return json::text_of(doc->object(), "event_id").value_or("");
}

fake_homeserver::token fake_homeserver::mint_token(const std::string& user) {
  auto body = control("POST", "/_fake/tokens", R"({"user":")" + user + R"("})");
  auto doc = json::document::parse(body, "tokens", json::lenient_object);
  if (!doc) throw std::runtime_error(doc.error().message);
  return {json::text_of(doc->object(), "access_token").value_or(""), json::text_of(doc->object(), "user_id").value_or("")};
}

fake_homeserver& shared_fake() {
  static fake_homeserver fake({"--user", "parley:test-password", "--user", "alice:alice-password"});
  return fake;
}

}  // namespace parley::matrix::testing
