#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "src/seam/backend_operations.hpp"
#include "backends/sqlite/sqlite_config.hpp"
#include "src/util/group_commit.hpp"

namespace parley::sqlite {

class change_watcher;
struct live_hub;
struct guarded_connection;

/// The embedded default backend: one SQLite file holding every topic, in the
/// original Parley's exact schema, so either implementation reads the other's
/// database. See README.md beside this file for the seam → SQL mapping.
class sqlite_backend final : public backend {
 public:
  sqlite_backend();
  ~sqlite_backend() override;

  PARLEY_BACKEND_OPERATIONS(sqlite_config);

  /// The fast paths: a commit or read that needs no lock another thread or
  /// process holds and no flush to disk (synchronous=NORMAL in WAL mode).
  [[nodiscard]] std::optional<result<stored_post>> try_post(const post_request& req) override;
  [[nodiscard]] std::optional<result<page>> try_fetch_recent(const fetch_request& req) override;

 private:
  struct pending_post;

  [[nodiscard]] result<void> open_connections();
  void commit_batch(std::vector<pending_post*>& batch);
  [[nodiscard]] result<stored_post> insert_one(const pending_post& p);
  /// nullopt: the write lock is taken (by another process).
  [[nodiscard]] std::optional<result<stored_post>> commit_without_waiting(const post_request& req);
  /// With `may_wait` false, nullopt instead of waiting for a busy database.
  /// Called with reader_->mu held.
  [[nodiscard]] std::optional<result<page>> read_page(const fetch_request& req, bool may_wait);
  void wake_local_subscribers();
  /// After every successful commit: wakes local subscribers, and asks the
  /// watcher thread for a checkpoint once the WAL is long enough.
  void after_commit();
  /// On the watcher thread.
  void checkpoint_if_due();
  /// Whether it found the database changed.
  bool on_watcher_wake();
  /// Whether the file changed since the last wake (another connection's
  /// commit, or ours where the watcher shares our connection).
  bool data_changed(live_hub& hub, guarded_connection& c);
  /// Counts a failed change scan, logs it (rate-limited) and reports health.
  void note_scan_failure(live_hub& hub, guarded_connection& c, int rc);
  void prune_expired();
  void report_health(health state, const std::string& reason);

  sqlite_config cfg_;
  std::atomic<bool> connected_{false};
  health_listener health_listener_;

  // Writers: one connection. Concurrent posts are committed together by
  // whichever caller becomes the batch leader (group commit).
  std::shared_ptr<guarded_connection> writer_;
  group_commit<pending_post> commits_;
  /// Pages in the WAL after the last commit (our wal_hook); at
  /// checkpoint_pages the watcher thread checkpoints.
  std::atomic<int> wal_pages_{0};
  std::atomic<bool> checkpoint_due_{false};

  // Readers of fetch_recent.
  std::shared_ptr<guarded_connection> reader_;

  // Live delivery: subscriptions and the change watcher's connection.
  std::shared_ptr<live_hub> hub_;
  std::unique_ptr<change_watcher> watcher_;
  std::atomic<bool> local_commit_{false};
  std::int64_t last_prune_ms_ = 0;
};

}  // namespace parley::sqlite
