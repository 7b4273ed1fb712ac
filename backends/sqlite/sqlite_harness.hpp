#pragma once

#include <string>

#include "conformance/cases.hpp"
#include "backends/sqlite/sqlite_backend.hpp"
#include "tests/support/temp_dir.hpp"

namespace parley::sqlite::testing {

/// A backend connected to the database file at `path`; requires success.
[[nodiscard]] std::unique_ptr<sqlite_backend> open_sqlite(const std::string& path);

/// Runs the conformance suite on a fresh database file per test case.
class sqlite_harness final : public conformance::harness {
 public:
  [[nodiscard]] std::unique_ptr<backend> connect_backend() override;
  [[nodiscard]] std::string fresh_topic() override { return "t-" + std::to_string(++topics_); }
  /// Separate processes, each with its own connection, as the original's
  /// suite does with separate Node processes.
  [[nodiscard]] bool concurrent_post(const std::string& topic, int writers, int per_writer) override;

  [[nodiscard]] std::string db_path() const { return dir_.file("parley.db"); }

 private:
  parley::testing::temp_dir dir_;
  int topics_ = 0;
};

}  // namespace parley::sqlite::testing
