#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "backends/postgres/health_board.hpp"
#include "backends/postgres/pg_connection.hpp"
#include "src/util/backoff.hpp"

namespace parley::postgres {

/// Up to `size` connections for posts and reads, opened on demand on the
/// calling thread and lent to one thread at a time.
///
/// It also knows whether the server is reachable: after a connection is lost
/// or cannot be opened, callers fail fast with `backend_unavailable` until the
/// jittered backoff allows the next attempt (or the LISTEN connection reports
/// the server back), so a post never hangs on a server that is down.
class connection_pool : public std::enable_shared_from_this<connection_pool> {
 public:
  /// Prepares a new connection's statements.
  using setup_fn = std::function<result<void>(connection&)>;

  connection_pool(std::string url, std::size_t size, setup_fn setup,
                  std::shared_ptr<health_board> health);

  /// A connection for the exclusive use of the holder. Returned to the pool
  /// on destruction if it is healthy and idle, closed otherwise.
  class lease {
   public:
    lease(std::shared_ptr<connection_pool> pool, std::unique_ptr<connection> conn)
        : pool_(std::move(pool)), conn_(std::move(conn)) {}
    lease(lease&&) noexcept = default;
    lease& operator=(lease&&) noexcept = default;
    ~lease();
    connection& operator*() const { return *conn_; }
    connection* operator->() const { return conn_.get(); }

   private:
    std::shared_ptr<connection_pool> pool_;
    std::unique_ptr<connection> conn_;
  };

  [[nodiscard]] result<lease> acquire();
  /// The error a caller gets at once while the server is considered down.
  [[nodiscard]] std::optional<error> fast_fail();
  /// Adds a connection opened elsewhere (the bootstrap's).
  void adopt(connection c);
  /// Another connection reached the server: stop failing fast.
  void server_reachable(const std::string& reason);
  /// Closes idle connections; leases still out are closed when returned.
  void close();

 private:
  void give_back(std::unique_ptr<connection> conn);
  void mark_down(const std::string& reason, health state);
  void mark_up(const std::string& reason);
  [[nodiscard]] error down_error() const;

  const std::string url_;
  const std::size_t size_;
  const setup_fn setup_;
  const std::shared_ptr<health_board> health_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<connection>> idle_;
  std::size_t open_ = 0;  // idle + lent
  bool closed_ = false;
  bool down_ = false;
  health down_state_ = health::retrying;
  std::string down_reason_;
  std::chrono::steady_clock::time_point retry_at_{};
  backoff backoff_;
};

}  // namespace parley::postgres
