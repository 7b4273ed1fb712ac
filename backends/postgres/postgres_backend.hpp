#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "backends/postgres/connection_pool.hpp"
#include "backends/postgres/health_board.hpp"
#include "backends/postgres/notify_listener.hpp"
#include "backends/postgres/pg_schema.hpp"
#include "backends/postgres/postgres_config.hpp"
#include "src/seam/backend.hpp"
#include "src/util/group_commit.hpp"

namespace parley::postgres {

/// PostgreSQL through libpq, in the original Parley's exact schema, so either
/// implementation reads and writes the other's table at the same time. See
/// README.md beside this file for the seam → SQL mapping, group commit and
/// the LISTEN path.
class postgres_backend final : public backend {
 public:
  postgres_backend();
  ~postgres_backend() override;

  [[nodiscard]] const parley::capabilities& capabilities() const noexcept override;
  [[nodiscard]] result<void> connect(const config::value& backend_config) override;
  void disconnect() override;
  [[nodiscard]] result<std::unique_ptr<subscription>> subscribe(const std::string& topic,
                                                                subscription_sink& sink) override;
  [[nodiscard]] result<stored_post> post(const post_request& req) override;
  [[nodiscard]] result<page> fetch_recent(const fetch_request& req) override;
  [[nodiscard]] result<identity_ref> resolve_identity(const std::string& handle) override;
  void set_health_listener(health_listener listener) override;

  /// Connects with an already-typed configuration (tests, tools).
  [[nodiscard]] result<void> connect(const postgres_config& cfg);

  /// The combined health (pool and LISTEN connection).
  [[nodiscard]] health current_health() const { return health_->state(); }

 private:
  struct pending_post;

  [[nodiscard]] result<void> bootstrap(const connection& c) const;
  void commit_batch(std::vector<pending_post*>& batch);
  /// One transaction for `posts`: true if committed (outcomes set), false if
  /// it failed (outcomes set to the error), with `retry_alone` telling
  /// whether the failure may be one post's fault.
  bool run_transaction(connection& c, const std::vector<pending_post*>& posts, bool& retry_alone);
  [[nodiscard]] result<page> query_page(const fetch_request& req,
                                        const std::optional<std::int64_t>& since,
                                        std::int64_t limit);

  postgres_config cfg_;
  std::shared_ptr<const pg_schema> schema_;
  std::atomic<bool> connected_{false};
  std::shared_ptr<health_board> health_;
  std::shared_ptr<connection_pool> pool_;
  std::shared_ptr<notify_listener> listener_;

  // Group commit: concurrent posts queue here; whoever finds no batch in
  // flight commits what is queued in one transaction.
  group_commit<pending_post> commits_;
};

}  // namespace parley::postgres
