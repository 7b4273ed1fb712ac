#include "src/mcp/jsonrpc.hpp"

#include <catch2/catch.hpp>

using namespace parley::mcp;

TEST_CASE("jsonrpc: a request keeps its id's JSON type and raw params") {
  auto d = decode(R"({"jsonrpc":"2.0","id":"7","method":"tools/call","params":{"name":"x","arguments":{"a":1}}})");
  REQUIRE(d.failures.empty());
  REQUIRE(d.messages.size() == 1);
  CHECK(d.messages[0].type == rpc_message::kind::request);
  CHECK(d.messages[0].id_json == "\"7\"");
  CHECK(d.messages[0].method == "tools/call");
  CHECK(d.messages[0].params_json == R"({"name":"x","arguments":{"a":1}})");
  auto n = decode(R"({"jsonrpc":"2.0","id":7,"method":"ping"})");
  CHECK(n.messages[0].id_json == "7");
}

TEST_CASE("jsonrpc: notifications have no id, responses are recognized") {
  auto d = decode(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  REQUIRE(d.messages.size() == 1);
  CHECK(d.messages[0].type == rpc_message::kind::notification);
  auto r = decode(R"({"jsonrpc":"2.0","id":1,"result":{}})");
  REQUIRE(r.messages.size() == 1);
  CHECK(r.messages[0].type == rpc_message::kind::response);
}

TEST_CASE("jsonrpc: malformed JSON and invalid UTF-8 are parse errors") {
  auto d = decode("{\"jsonrpc\":\"2.0\",");
  REQUIRE(d.failures.size() == 1);
  CHECK(d.failures[0].code == rpc_code::parse_error);
  CHECK(d.failures[0].id_json == "null");
  auto u = decode("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\xff\xfe\"}");
  REQUIRE(u.failures.size() == 1);
  CHECK(u.failures[0].code == rpc_code::parse_error);
  CHECK(u.failures[0].message == "Parse error: invalid UTF-8");
}

TEST_CASE("jsonrpc: valid JSON that is not JSON-RPC is an invalid request") {
  for (const char* text : {R"([])", R"(42)", R"({"id":1,"method":"ping"})", R"({"jsonrpc":"2.0","id":1})",
                           R"({"jsonrpc":"2.0","id":{},"method":"ping"})", R"({"jsonrpc":"2.0","id":null,"method":"ping"})"}) {
    INFO(text);
    auto d = decode(text);
    REQUIRE(d.failures.size() == 1);
    CHECK(d.failures[0].code == rpc_code::invalid_request);
  }
  auto p = decode(R"({"jsonrpc":"2.0","id":3,"method":"x","params":[1]})");
  REQUIRE(p.failures.size() == 1);
  CHECK(p.failures[0].code == rpc_code::invalid_params);
  CHECK(p.failures[0].id_json == "3");
}

TEST_CASE("jsonrpc: a batch decodes each member") {
  auto d = decode(R"([{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"n"},7])");
  CHECK(d.batch);
  CHECK(d.messages.size() == 2);
  CHECK(d.failures.size() == 1);
}

TEST_CASE("jsonrpc: responses and notifications are compact one-line JSON") {
  CHECK(result_response("\"a\"", "{}") == R"({"jsonrpc":"2.0","id":"a","result":{}})");
  CHECK(error_response("null", -32700, "Parse error: x\ny") ==
        R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error: x\ny"}})");
  CHECK(notification("notifications/x", R"({"a":1})") == R"({"jsonrpc":"2.0","method":"notifications/x","params":{"a":1}})");
}
