// The Streamable HTTP rules at /mcp: what each method needs in its headers,
// and how the answer goes back. The sessions here have no actor: what a
// session does with its input is mcp_session's business.
#include "actors/transport/http/streamable_http.hpp"

#include <catch2/catch.hpp>

using namespace parley;

namespace {

/// An exchange that keeps what it was answered.
class recorded_exchange final : public http::exchange {
 public:
  std::optional<http::response> answer;
  bool streamed = false;
  void respond(http::response r) override { answer = std::move(r); }
  std::shared_ptr<http::event_stream> open_stream(http::headers) override {
    streamed = true;
    return nullptr;
  }
};

/// One session, "s1", which a lone initialize opens.
class one_session final : public streamable_http::session_directory {
 public:
  std::shared_ptr<streamable_http::session> s;
  int opened = 0;
  int ended = 0;
  std::variant<std::shared_ptr<streamable_http::session>, http::response> open() override {
    ++opened;
    s = std::make_shared<streamable_http::session>();
    s->id = "s1";
    s->output = std::make_shared<http_session_output>(10, 1 << 20);
    return s;
  }
  std::shared_ptr<streamable_http::session> find(const std::string& id) override {
    return s && id == s->id ? s : nullptr;
  }
  void end(const streamable_http::session&) override { ++ended; }
};

http::request post(std::string body,
                   std::initializer_list<std::pair<std::string, std::string>> extra = {}) {
  http::request r;
  r.method = "POST";
  r.target = "/mcp";
  r.header["content-type"] = "application/json";
  r.header["accept"] = "application/json, text/event-stream";
  for (const auto& [k, v] : extra) r.header[k] = v;
  r.body = std::move(body);
  return r;
}

const std::string initialize = R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{}})";
const std::string ping = R"({"jsonrpc":"2.0","id":2,"method":"ping"})";
const std::string initialized = R"({"jsonrpc":"2.0","method":"notifications/initialized"})";

http::response serve(http::request req, streamable_http::session_directory& dir) {
  auto ex = std::make_shared<recorded_exchange>();
  streamable_http::serve(std::move(req), ex, dir);
  REQUIRE(ex->answer);
  return *ex->answer;
}

}  // namespace

TEST_CASE("streamable http: a POST needs JSON in and both JSON and SSE accepted",
          "[transport][http]") {
  one_session dir;
  auto no_json = post(initialize);
  no_json.header["content-type"] = "text/plain";
  CHECK(serve(no_json, dir).status == 415);
  auto narrow = post(initialize);
  narrow.header["accept"] = "application/json";
  CHECK(serve(narrow, dir).status == 406);
  CHECK(serve(post("{not json"), dir).status == 400);
  CHECK(dir.opened == 0);
}

TEST_CASE("streamable http: only a lone initialize opens a session", "[transport][http]") {
  one_session dir;
  auto missing = serve(post(ping), dir);
  CHECK(missing.status == 400);
  CHECK(missing.body.find("Mcp-Session-Id header is required") != std::string::npos);
  CHECK(dir.opened == 0);

  auto ex = std::make_shared<recorded_exchange>();
  streamable_http::serve(post(initialize), ex, dir);
  CHECK(dir.opened == 1);
  CHECK_FALSE(ex->answer);  // answered when the session answers
  dir.s->output->response("1", std::make_shared<const std::string>("{\"result\":{}}"));
  REQUIRE(ex->answer);
  CHECK(ex->answer->status == 200);
  CHECK(ex->answer->body == "{\"result\":{}}");

  auto again = serve(post(initialize, {{"mcp-session-id", "s1"}}), dir);
  CHECK(again.status == 400);
  CHECK(again.body.find("already initialized") != std::string::npos);
}

TEST_CASE("streamable http: a session id must be known, and the protocol version supported",
          "[transport][http]") {
  one_session dir;
  (void)dir.open();
  CHECK(serve(post(ping, {{"mcp-session-id", "nope"}}), dir).status == 404);
  CHECK(serve(post(ping, {{"mcp-session-id", "s1"}, {"mcp-protocol-version", "1999-01-01"}}), dir)
            .status == 400);
  auto notified = serve(post(initialized, {{"mcp-session-id", "s1"}}), dir);
  CHECK(notified.status == 202);
}

TEST_CASE("streamable http: GET opens the event stream, DELETE ends, others are 405",
          "[transport][http]") {
  one_session dir;
  (void)dir.open();
  http::request get;
  get.method = "GET";
  get.header["mcp-session-id"] = "s1";
  CHECK(serve(get, dir).status == 406);  // without Accept: text/event-stream
  get.header["accept"] = "text/event-stream";
  auto ex = std::make_shared<recorded_exchange>();
  streamable_http::serve(get, ex, dir);
  CHECK(ex->streamed);

  http::request del;
  del.method = "DELETE";
  CHECK(serve(del, dir).status == 400);
  del.header["mcp-session-id"] = "s1";
  CHECK(serve(del, dir).status == 200);
  CHECK(dir.ended == 1);

  http::request put;
  put.method = "PUT";
  auto refused = serve(put, dir);
  CHECK(refused.status == 405);
  CHECK(refused.header.front().second == "GET, POST, DELETE");
}
