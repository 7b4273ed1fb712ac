#include "src/nats_agent/permission_query.hpp"

#include <catch2/catch.hpp>

using namespace parley::nats_agent;

namespace {

bool allows(std::string_view answer) {
  return parse_permission_answer(answer).behavior == permission_behavior::allow;
}

}  // namespace

TEST_CASE("nats_agent permission: the question's text", "[nats_agent]") {
  CHECK(permission_query_prompt("Bash", "run the tests", "npm test") ==
        "Bash: run the tests\n\nnpm test\n\nReply 'yes' to allow or 'no' to deny.");
  CHECK(permission_query_prompt("Write", "create a file", "") ==
        "Write: create a file\n\nReply 'yes' to allow or 'no' to deny.");
}

TEST_CASE("nats_agent permission: text answers, trimmed, any case", "[nats_agent]") {
  for (const char* yes : {"y", "yes", "allow", "YES", "Allow", " yes\n", "\tY "}) {
    const auto a = parse_permission_answer(yes);
    CHECK(a.behavior == permission_behavior::allow);
    CHECK(a.recognized);
  }
  for (const char* no : {"n", "no", "deny", "NO", " Deny\r\n"}) {
    const auto a = parse_permission_answer(no);
    CHECK(a.behavior == permission_behavior::deny);
    CHECK(a.recognized);
  }
}

TEST_CASE("nats_agent permission: JSON answers", "[nats_agent]") {
  CHECK(allows(R"({"behavior":"allow"})"));
  CHECK(allows(R"(  {"behavior":"ALLOW"} )"));
  CHECK_FALSE(allows(R"({"behavior":"deny"})"));
  CHECK(parse_permission_answer(R"({"behavior":"deny"})").recognized);
  // The answer sent as a prompt envelope is read like text.
  CHECK(allows(R"({"prompt":"yes"})"));
  CHECK(allows(R"({"prompt":" y "})"));
  CHECK_FALSE(allows(R"({"prompt":"no"})"));
  CHECK(parse_permission_answer(R"({"prompt":"no"})").recognized);
  // `behavior` decides before `prompt`; an unknown behavior falls back to prompt.
  CHECK_FALSE(allows(R"({"behavior":"deny","prompt":"yes"})"));
  CHECK(allows(R"({"behavior":"maybe","prompt":"yes"})"));
}

TEST_CASE("nats_agent permission: anything else denies (fail closed)", "[nats_agent]") {
  for (const char* other :
       {"", "   ", "yes please", "sure", "ok", "1", "true", "{", "{}", R"({"behavior":true})",
        R"({"prompt":"maybe"})", R"(["yes"])", R"("yes")", R"({"allow":true})"}) {
    const auto a = parse_permission_answer(other);
    CHECK(a.behavior == permission_behavior::deny);
    CHECK_FALSE(a.recognized);
  }
  CHECK(to_string(permission_behavior::allow) == "allow");
  CHECK(to_string(permission_behavior::deny) == "deny");
}
