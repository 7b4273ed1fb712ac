#include "src/model/push_decision.hpp"

#include <catch2/catch.hpp>

using parley::message;
using parley::push_policy;
using parley::should_push;

namespace {

message with_mentions(std::vector<std::string> mentions) {
  message m;
  m.content = "body";
  m.mentions = std::move(mentions);
  return m;
}

}  // namespace

TEST_CASE("push decision: without a filter every other session's message is shown") {
  const push_policy p{"alice", false, false};
  CHECK(should_push(with_mentions({}), p, false));
  CHECK(should_push(with_mentions({"bob"}), p, false));
}

TEST_CASE("push decision: the mention filter shows only messages naming the handle") {
  const push_policy p{"alice", true, false};
  CHECK_FALSE(should_push(with_mentions({}), p, false));
  CHECK_FALSE(should_push(with_mentions({"bob", "alice-2"}), p, false));
  CHECK(should_push(with_mentions({"bob", "alice"}), p, false));
}

TEST_CASE("push decision: own posts are shown back only when echoes are asked for") {
  CHECK_FALSE(should_push(with_mentions({}), push_policy{"alice", false, false}, true));
  CHECK(should_push(with_mentions({}), push_policy{"alice", false, true}, true));
  // An echoed own post still passes the mention filter like any other.
  CHECK_FALSE(should_push(with_mentions({}), push_policy{"alice", true, true}, true));
  CHECK(should_push(with_mentions({"alice"}), push_policy{"alice", true, true}, true));
  CHECK_FALSE(should_push(with_mentions({"alice"}), push_policy{"alice", true, false}, true));
}
