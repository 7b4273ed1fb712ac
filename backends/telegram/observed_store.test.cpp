#include "backends/telegram/observed_store.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "tests/support/temp_dir.hpp"

using namespace parley::telegram;

namespace {

observed_message msg(const std::string& topic, std::int64_t chat, std::int64_t id) {
  observed_message m;
  m.topic = topic;
  m.chat_id = chat;
  m.message_id = id;
  m.sender = "ann";
  m.content = "m" + std::to_string(id);
  m.ts = "2024-01-01T00:00:00.000Z";
  return m;
}

std::vector<std::int64_t> ids(const std::vector<observed_message>& v) {
  std::vector<std::int64_t> out;
  for (const auto& m : v) out.push_back(m.message_id);
  return out;
}

}  // namespace

TEST_CASE("store: dedup by chat and message id, reads both ways", "[telegram][store]") {
  parley::testing::temp_dir dir;
  auto s = observed_store::open(dir.file("sub/dir/t.db"), 10000);
  REQUIRE(s);
  struct stat st {};
  REQUIRE(::stat(dir.file("sub/dir/t.db").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto m2 = msg("a", -1, 2);
  m2.thread_id = 7;
  m2.in_reply_to = "-1:1";
  auto fresh = (*s)->ingest({msg("a", -1, 1), m2, msg("b", 5, 1)});
  REQUIRE(fresh);
  CHECK(fresh->size() == 3);
  auto again = (*s)->ingest({msg("a", -1, 2), msg("a", -1, 3)});
  REQUIRE(again);
  CHECK(ids(*again) == std::vector<std::int64_t>{3});
  CHECK(ids(*(*s)->read("a", std::nullopt, 100)) == std::vector<std::int64_t>{1, 2, 3});
  CHECK(ids(*(*s)->read("a", std::nullopt, 2)) == std::vector<std::int64_t>{2, 3});
  CHECK(ids(*(*s)->read("a", 1, 1)) == std::vector<std::int64_t>{2});
  CHECK((*s)->read("a", 3, 10)->empty());
  auto back = (*s)->read("a", 1, 1)->front();
  CHECK(back == m2);
  CHECK(*(*s)->newest_id("a") == 3);
  CHECK(*(*s)->newest_id("none") == 0);
}

TEST_CASE("store: the offset goes with its batch and survives a reopen", "[telegram][store]") {
  parley::testing::temp_dir dir;
  {
    auto s = observed_store::open(dir.file("t.db"), 10000);
    REQUIRE(s);
    CHECK(*(*s)->offset("123") == 0);
    REQUIRE((*s)->ingest({msg("a", 1, 1)}, std::pair{std::string("123"), std::int64_t{501}}));
    REQUIRE((*s)->ingest({}, std::pair{std::string("123"), std::int64_t{400}}));  // never backwards
  }
  auto s = observed_store::open(dir.file("t.db"), 10000);
  REQUIRE(s);
  CHECK(*(*s)->offset("123") == 501);
  CHECK(*(*s)->offset("999") == 0);
  CHECK((*s)->read("a", std::nullopt, 10)->size() == 1);
}

TEST_CASE("store: the newest retention per topic are kept", "[telegram][store]") {
  parley::testing::temp_dir dir;
  auto s = observed_store::open(dir.file("t.db"), 3);
  REQUIRE(s);
  for (std::int64_t i = 1; i <= 5; ++i) REQUIRE((*s)->ingest({msg("a", 1, i), msg("b", 2, i)}));
  CHECK(ids(*(*s)->read("a", std::nullopt, 100)) == std::vector<std::int64_t>{3, 4, 5});
  CHECK(ids(*(*s)->read("b", std::nullopt, 100)) == std::vector<std::int64_t>{3, 4, 5});
}
