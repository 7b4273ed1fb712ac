#include "src/model/seen_set.hpp"

#include <catch2/catch.hpp>

TEST_CASE("seen set: first sighting is reported once") {
  parley::seen_set s;
  CHECK(s.first_seen("1"));
  CHECK_FALSE(s.first_seen("1"));
  CHECK(s.contains("1"));
  CHECK_FALSE(s.contains("2"));
}

TEST_CASE("seen set: the oldest id is evicted past capacity") {
  parley::seen_set s(3);
  for (auto id : {"a", "b", "c", "d"}) CHECK(s.first_seen(id));
  CHECK(s.size() == 3);
  CHECK_FALSE(s.contains("a"));
  CHECK(s.first_seen("a"));
  CHECK_FALSE(s.contains("b"));
}
