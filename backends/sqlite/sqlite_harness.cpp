#include "backends/sqlite/sqlite_harness.hpp"

#include "backends/sqlite/writer_process.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <vector>

namespace parley::sqlite::testing {

std::unique_ptr<sqlite_backend> open_sqlite(const std::string& path) {
  auto b = std::make_unique<sqlite_backend>();
  sqlite_config cfg;
  cfg.db_path = path;
  auto r = b->connect(cfg);
  INFO((r ? "" : r.error().message));
  REQUIRE(r.has_value());
  return b;
}

std::unique_ptr<backend> sqlite_harness::connect_backend() {
  auto b = std::make_unique<sqlite_backend>();
  sqlite_config cfg;
  cfg.db_path = db_path();
  if (auto r = b->connect(cfg); !r) throw std::runtime_error(r.error().message);
  return b;
}

bool sqlite_harness::concurrent_post(const std::string& topic, int writers, int per_writer) {
  std::vector<int> children;
  for (int w = 0; w < writers; ++w)
    children.push_back(spawn_writer(db_path(), topic, "w" + std::to_string(w), per_writer));
  bool all_ok = true;
  for (int pid : children) all_ok = wait_writer(pid) && all_ok;
  if (!all_ok) throw std::runtime_error("a concurrent writer process failed");
  return true;
}

}  // namespace parley::sqlite::testing
