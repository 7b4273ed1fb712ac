#include "backends/telegram/jsonl_import.hpp"

#include <catch2/catch.hpp>
#include <fstream>

#include "tests/support/temp_dir.hpp"

using namespace parley::telegram;

namespace {

void write(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::string record(int id) {
  return R"({"topic":"ctx","chat_id":"-1001","message_id":)" + std::to_string(id) +
      R"(,"sender":"ann","content":"m)" + std::to_string(id) + R"(","ts":"2024-01-01T00:00:00.000Z"})";
}

}  // namespace

TEST_CASE("import: the original's JSONL, idempotent by composite id", "[telegram][import]") {
  parley::testing::temp_dir dir;
  auto store = observed_store::open(dir.file("t.db"), 10000);
  REQUIRE(store);
  const auto path = dir.file("parley-telegram.jsonl");
  auto absent = import_jsonl(path, **store);
  REQUIRE(absent);
  CHECK_FALSE(absent->found);
  write(path, record(1) + "\n" + record(2) + "\n" + record(2) + "\n");
  auto r = import_jsonl(path, **store);
  REQUIRE(r);
  CHECK(r->imported == 2);
  CHECK(r->duplicates == 1);
  CHECK(r->skipped == 0);
  auto msgs = (*store)->read("ctx", std::nullopt, 10);
  REQUIRE(msgs->size() == 2);
  CHECK((*msgs)[0].chat_id == -1001);
  CHECK((*msgs)[0].to_message().backend_msg_id == "-1001:1");
  CHECK((*msgs)[1].content == "m2");
  auto same = import_jsonl(path, **store);  // the same file is not read again
  REQUIRE(same);
  CHECK_FALSE(same->ran);
  write(path, record(1) + "\n" + record(2) + "\n" + record(3) + "\n\n");
  auto grown = import_jsonl(path, **store);
  REQUIRE(grown);
  CHECK(grown->imported == 1);
  CHECK(grown->duplicates == 2);
}

TEST_CASE("import: malformed and torn lines are skipped, the rest imported", "[telegram][import]") {
  parley::testing::temp_dir dir;
  auto store = observed_store::open(dir.file("t.db"), 10000);
  REQUIRE(store);
  const auto path = dir.file("s.jsonl");
  write(path, record(1) + "\n" + "{not json SECRET-CONTENT\n" +
                  R"({"topic":"ctx","chat_id":"x","message_id":2,"sender":"a","content":"c","ts":"t"})" +
                  "\n" + R"({"topic":"ctx","message_id":3})" + "\n" + "\xff\xfe\n" + record(4) + "\n" +
                  record(5).substr(0, 30));
  auto r = import_jsonl(path, **store);
  REQUIRE(r);
  CHECK(r->imported == 2);
  CHECK(r->skipped == 5);
  auto msgs = (*store)->read("ctx", std::nullopt, 10);
  REQUIRE(msgs->size() == 2);
  CHECK((*msgs)[1].message_id == 4);
}

TEST_CASE("import: a record whose last line has no newline is torn", "[telegram][import]") {
  parley::testing::temp_dir dir;
  auto store = observed_store::open(dir.file("t.db"), 10000);
  const auto path = dir.file("s.jsonl");
  write(path, record(1) + "\n" + record(2));
  auto r = import_jsonl(path, **store);
  REQUIRE(r);
  CHECK(r->imported == 1);
  CHECK(r->skipped == 1);
}
