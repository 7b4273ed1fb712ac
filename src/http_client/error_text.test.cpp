#include "src/http_client/error_text.hpp"

#include <catch2/catch.hpp>

using namespace parley::http;
using parley::errc;

namespace {

http_request secret_request() {
  http_request req;
  req.url = "https://api.telegram.org/bot123456:AAE-secret-token-value/getUpdates?offset=5";
  req.headers = {{"Authorization", "Bearer syt_abcdefghijklmnop"}, {"Accept", "*/*"}};
  req.label = "Telegram GET getUpdates";
  return req;
}

}  // namespace

TEST_CASE("error text: a status error is label, arrow, status and body") {
  http_request req;
  req.url = "https://h/x";
  req.label = "Matrix GET /sync";
  http_response resp{502, {}, "bad gateway"};
  CHECK(status_message(req, resp) == "Matrix GET /sync → 502: bad gateway");
  resp.body.clear();
  CHECK(status_message(req, resp) == "Matrix GET /sync → 502");
  CHECK(failure_message(req, "Connection refused") == "Matrix GET /sync → Connection refused");
}

TEST_CASE("error text: the URL path, query and header values are redacted") {
  const auto req = secret_request();
  const std::string echoed =
      "no route for /bot123456:AAE-secret-token-value/getUpdates?offset=5; token "
      "bot123456:AAE-secret-token-value; auth Bearer syt_abcdefghijklmnop; bare "
      "syt_abcdefghijklmnop";
  const std::string text = redact(echoed, req);
  CHECK(text.find("secret") == std::string::npos);
  CHECK(text.find("syt_") == std::string::npos);
  CHECK(text.find("no route for [redacted]") != std::string::npos);
  // Short, common pieces stay readable.
  CHECK(redact("wanted */* at /x", req) == "wanted */* at /x");
  const std::string msg = status_message(req, {404, {}, echoed});
  CHECK(msg.rfind("Telegram GET getUpdates → 404: ", 0) == 0);
  CHECK(msg.find("secret") == std::string::npos);
}

TEST_CASE("error text: a long body is cut on a character boundary and repaired") {
  std::string body(error_body_bytes - 1, 'a');
  body += "\xc3\xa9tail";  // é straddles the cut
  const auto cut = body_excerpt(body);
  CHECK(cut == std::string(error_body_bytes - 1, 'a') + "…");
  CHECK(body_excerpt("ok \xff end") == "ok \xef\xbf\xbd end");
  CHECK(body_excerpt(std::string(error_body_bytes, 'b')) == std::string(error_body_bytes, 'b'));
}

TEST_CASE("error text: statuses map to the error vocabulary") {
  CHECK(code_for_status(401) == errc::bad_credentials);
  CHECK(code_for_status(403) == errc::bad_credentials);
  CHECK(code_for_status(413) == errc::payload_too_large);
  CHECK(code_for_status(408) == errc::backend_unavailable);
  CHECK(code_for_status(500) == errc::backend_unavailable);
  CHECK(code_for_status(503) == errc::backend_unavailable);
  CHECK(code_for_status(400) == errc::invalid_argument);
  CHECK(code_for_status(404) == errc::invalid_argument);
}
