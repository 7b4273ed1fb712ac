#include "src/mcp/tool_table.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace parley::mcp;

namespace {

parley::topic_allowlist make_allow(std::vector<std::string> topics,
                                   std::vector<std::string> patterns = {}) {
  auto a = parley::topic_allowlist::make(std::move(topics), std::move(patterns), "parley-presence");
  REQUIRE(a.has_value());
  return std::move(*a);
}

}  // namespace

TEST_CASE("tool table: one entry per tool id, each name once, found by name") {
  REQUIRE(tool_table().size() == tool_count);
  std::set<std::string_view> names;
  for (const auto& t : tool_table()) {
    CHECK(names.insert(t.name).second);
    CHECK(&tool(t.id) == &t);
    CHECK(find_tool(t.name) == t.id);
  }
  CHECK(tool_name(tool_id::post) == "parley_post");
  CHECK(tool_name(tool_id::nats_reply) == "reply");
  CHECK_FALSE(find_tool("parley_nope").has_value());
}

TEST_CASE("tool table: tools/list lists the table in order, the NATS tool only when asked") {
  const auto allow = make_allow({"ctx"});
  const auto plain = tools_list(allow);
  const auto with_nats = tools_list(allow, true);
  CHECK_THAT(plain, !Catch::Contains(R"("name":"reply")"));
  CHECK_THAT(with_nats, Catch::Contains(R"("name":"reply")"));
  std::size_t at = 0;
  for (const auto& t : tool_table()) {
    const auto found = with_nats.find("\"name\":\"" + std::string(t.name) + "\"");
    REQUIRE(found != std::string::npos);
    CHECK(found >= at);
    at = found;
  }
}

TEST_CASE("tool table: the schema of each property follows its kind") {
  const auto list = tools_list(make_allow({"ctx"}), true);
  CHECK_THAT(
      list,
      Catch::Contains(
          R"("limit":{"type":"integer","exclusiveMinimum":0,"description":"The most messages to return (default 100)."})"));
  CHECK_THAT(list, Catch::Contains(R"("block_ms":{"type":"integer","minimum":0,)"));
  CHECK_THAT(list, Catch::Contains(R"("filter":{"type":"string","maxLength":256,)"));
  CHECK_THAT(list, Catch::Contains(R"("done":{"type":"boolean","default":true,)"));
  CHECK_THAT(list,
             Catch::Contains(R"("required":["request_id","text"],"additionalProperties":false)"));
  // parley_reply's topic never carries an enum; fetch and post do.
  CHECK_THAT(
      list,
      Catch::Contains(
          R"("topic":{"type":"string","description":"The topic of the message you are answering."})"));
  CHECK_THAT(list, Catch::Contains(R"("topic":{"type":"string","enum":["ctx"],)"));
}
