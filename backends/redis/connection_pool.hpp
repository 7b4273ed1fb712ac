#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

#include "backends/redis/link_monitor.hpp"
#include "backends/redis/redis_connection.hpp"

namespace parley::redis {

/// Connections for the reads that callers run on their own threads
/// (fetch_recent, the XINFO of subscribe, a long-poll XREAD): one per
/// concurrent caller, kept for reuse, opened on demand. A connection opened
/// before the last reconnect is dropped, never reused.
class connection_pool : public std::enable_shared_from_this<connection_pool> {
 public:
  /// A connection on loan; goes back to the pool (or away, if broken) when
  /// destroyed.
  class lease {
   public:
    lease() = default;
    lease(std::shared_ptr<connection_pool> pool, connection conn, std::uint64_t epoch);
    ~lease();
    lease(lease&&) noexcept = default;
    lease& operator=(lease&&) noexcept = delete;
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;

    [[nodiscard]] connection& conn() noexcept { return conn_; }
    [[nodiscard]] std::uint64_t epoch() const noexcept { return epoch_; }

   private:
    std::shared_ptr<connection_pool> pool_;
    connection conn_;
    std::uint64_t epoch_ = 0;
  };

  connection_pool(endpoint ep, std::chrono::milliseconds timeout,
                  std::shared_ptr<link_monitor> monitor, std::size_t max_idle);

  /// An idle connection of the current epoch, or a new one. A failure to
  /// connect is reported to the monitor.
  [[nodiscard]] result<lease> acquire();

  /// Aborts every loaned connection's command (a long-poll included) with
  /// shutdown(2), drops the idle ones and refuses new loans.
  void close();

  [[nodiscard]] std::chrono::milliseconds timeout() const noexcept { return timeout_; }

 private:
  void give_back(connection conn, std::uint64_t epoch);

  const endpoint ep_;
  const std::chrono::milliseconds timeout_;
  const std::shared_ptr<link_monitor> monitor_;
  const std::size_t max_idle_;

  std::mutex mu_;
  struct idle_entry {
    connection conn;
    std::uint64_t epoch = 0;
  };
  std::vector<idle_entry> idle_;
  std::multiset<int> loaned_fds_;
  bool closed_ = false;
};

}  // namespace parley::redis
