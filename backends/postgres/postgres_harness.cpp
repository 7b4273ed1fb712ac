#include "backends/postgres/postgres_harness.hpp"

#include <libpq-fe.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

namespace parley::postgres::testing {

namespace {
std::string random_hex(std::size_t n) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(digits[rng() % 16]);
  return out;
}
}  // namespace

std::string pg_url() {
  const char* url = std::getenv("PARLEY_PG_URL");
  if (url == nullptr || *url == '\0')
    FAIL(
        "PARLEY_PG_URL is not set: the Postgres tests need a live server. Run scripts/test.sh, "
        "or start one with `scripts/test-services.sh start DIR` and `source DIR/env`.");
  return url;
}

std::string random_table_name() {
  return "parley_test_" + random_hex(16);
}

void drop_schema(const std::string& url, const std::string& table) {
  PGconn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) == CONNECTION_OK) {
    const std::string sql = "SET client_min_messages = warning; DROP TABLE IF EXISTS " + table +
                            " CASCADE; DROP TABLE IF EXISTS " + table +
                            "_senders; DROP FUNCTION IF EXISTS " + table + "_notify() CASCADE;";
    PQclear(PQexec(c, sql.c_str()));
  }
  PQfinish(c);
}

postgres_config test_config(const std::string& table) {
  postgres_config cfg;
  cfg.url = pg_url();
  cfg.url_given = true;
  cfg.table_name = table;
  return cfg;
}

postgres_harness::postgres_harness() : url_(pg_url()), table_(random_table_name()) {}

postgres_harness::~postgres_harness() {
  drop_schema(url_, table_);
}

std::unique_ptr<backend> postgres_harness::connect_backend() {
  auto b = std::make_unique<postgres_backend>();
  if (auto r = b->connect(test_config(table_)); !r) throw std::runtime_error(r.error().message);
  return b;
}

std::string postgres_harness::fresh_topic() {
  return "t-" + std::to_string(++topics_) + "-" + random_hex(6);
}

bool postgres_harness::concurrent_post(const std::string& topic, int writers, int per_writer) {
  std::vector<std::unique_ptr<backend>> instances;
  for (int w = 0; w < writers; ++w) instances.push_back(connect_backend());
  std::vector<std::string> failures(static_cast<std::size_t>(writers));
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      const std::string handle = "w" + std::to_string(w);
      for (int i = 0; i < per_writer; ++i) {
        auto id = instances[static_cast<std::size_t>(w)]->post(
            {topic, handle, handle + "-" + std::to_string(i), std::nullopt});
        if (!id) failures[static_cast<std::size_t>(w)] = id.error().message;
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& f : failures)
    if (!f.empty()) throw std::runtime_error("a concurrent writer failed: " + f);
  return true;
}

}  // namespace parley::postgres::testing
