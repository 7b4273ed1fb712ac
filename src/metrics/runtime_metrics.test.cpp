#include "src/metrics/runtime_metrics.hpp"

#include <catch2/catch.hpp>

using parley::runtime_metrics;
namespace mcp = parley::mcp;

TEST_CASE("runtime metrics: tool labels come from the tool table") {
  runtime_metrics m;
  m.count_tool(mcp::tool_id::post, true);
  m.count_tool(mcp::tool_id::reply, false);
  m.count_tool(std::nullopt, false);
  m.count_tool(mcp::tool_id::nats_reply, true);
  const auto text = m.prometheus();
  CHECK_THAT(text,
             Catch::Contains("parley_tool_calls_total{tool=\"parley_post\",outcome=\"ok\"} 1\n"));
  CHECK_THAT(text, Catch::Contains(
                       "parley_tool_calls_total{tool=\"parley_reply\",outcome=\"error\"} 1\n"));
  CHECK_THAT(text, Catch::Contains(
                       "parley_tool_calls_total{tool=\"parley_fetch_recent\",outcome=\"ok\"} 0\n"));
  CHECK_THAT(text, Catch::Contains(
                       "parley_tool_calls_total{tool=\"parley_list_users\",outcome=\"ok\"} 0\n"));
  // Unknown names and the NATS agent's tool share the "unknown" label.
  CHECK_THAT(text, Catch::Contains("parley_tool_calls_total{tool=\"unknown\",outcome=\"ok\"} 1\n"));
  CHECK_THAT(text,
             Catch::Contains("parley_tool_calls_total{tool=\"unknown\",outcome=\"error\"} 1\n"));
  CHECK_THAT(text, !Catch::Contains("tool=\"reply\""));
}
