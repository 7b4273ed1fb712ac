#pragma once

#include <memory>
#include <string>

#include "conformance/cases.hpp"
#include "backends/postgres/postgres_backend.hpp"

namespace parley::postgres::testing {

/// $PARLEY_PG_URL. Unset, the calling test fails with a message saying how
/// to get a server: these tests never skip silently.
[[nodiscard]] std::string pg_url();

/// `parley_test_<16 hex>`: a table no other test uses.
[[nodiscard]] std::string random_table_name();

/// Drops `table`, `<table>_senders` and `<table>_notify()` (with the trigger).
void drop_schema(const std::string& url, const std::string& table);

/// A typed configuration for the test server and `table`.
[[nodiscard]] postgres_config test_config(const std::string& table);

/// Runs the conformance suite against the live server, on a random table per
/// test case that is dropped afterwards.
class postgres_harness final : public conformance::harness {
 public:
  postgres_harness();
  ~postgres_harness() override;
  postgres_harness(const postgres_harness&) = delete;
  postgres_harness& operator=(const postgres_harness&) = delete;

  [[nodiscard]] std::unique_ptr<backend> connect_backend() override;
  [[nodiscard]] std::string fresh_topic() override;
  /// Independent backend instances (each with its own connections) posting
  /// from their own threads at once.
  [[nodiscard]] bool concurrent_post(const std::string& topic, int writers,
                                     int per_writer) override;

  [[nodiscard]] const std::string& url() const { return url_; }
  [[nodiscard]] const std::string& table() const { return table_; }

 private:
  std::string url_;
  std::string table_;
  int topics_ = 0;
};

}  // namespace parley::postgres::testing
