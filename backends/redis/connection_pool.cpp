#include "backends/redis/connection_pool.hpp"

#include <sys/socket.h>

namespace parley::redis {

connection_pool::lease::lease(std::shared_ptr<connection_pool> pool, connection conn,
                              std::uint64_t epoch)
    : pool_(std::move(pool)), conn_(std::move(conn)), epoch_(epoch) {}

connection_pool::lease::~lease() {
  if (pool_) pool_->give_back(std::move(conn_), epoch_);
}

connection_pool::connection_pool(endpoint ep, std::chrono::milliseconds timeout,
                                 std::shared_ptr<link_monitor> monitor, std::size_t max_idle)
    : ep_(std::move(ep)), timeout_(timeout), monitor_(std::move(monitor)), max_idle_(max_idle) {}

result<connection_pool::lease> connection_pool::acquire() {
  const std::uint64_t epoch = monitor_->epoch();
  std::vector<idle_entry> stale;
  {
    std::lock_guard lock(mu_);
    if (closed_) return fail(errc::not_connected, "redis backend is disconnected");
    while (!idle_.empty()) {
      idle_entry e = std::move(idle_.back());
      idle_.pop_back();
      if (e.epoch != epoch || e.conn.broken()) {
        stale.push_back(std::move(e));
        continue;
      }
      loaned_fds_.insert(e.conn.fd());
      return lease(shared_from_this(), std::move(e.conn), e.epoch);
    }
  }
  stale.clear();  // closes them outside the lock
  auto conn = connection::open(ep_, timeout_);
  if (!conn) {
    if (conn.error().code == errc::backend_unavailable)
      monitor_->report_lost(epoch, conn.error().message);
    return conn.error();
  }
  std::lock_guard lock(mu_);
  if (closed_) return fail(errc::not_connected, "redis backend is disconnected");
  loaned_fds_.insert(conn->fd());
  return lease(shared_from_this(), std::move(*conn), epoch);
}

void connection_pool::give_back(connection conn, std::uint64_t epoch) {
  connection dropped;
  {
    std::lock_guard lock(mu_);
    if (auto it = loaned_fds_.find(conn.fd()); it != loaned_fds_.end()) loaned_fds_.erase(it);
    if (closed_ || conn.broken() || epoch != monitor_->epoch() || idle_.size() >= max_idle_) {
      dropped = std::move(conn);
    } else {
      conn.set_timeout(timeout_);
      idle_.push_back({std::move(conn), epoch});
    }
  }
}

void connection_pool::close() {
  std::vector<idle_entry> idle;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    for (int fd : loaned_fds_) ::shutdown(fd, SHUT_RDWR);
    idle.swap(idle_);
  }
}

}  // namespace parley::redis
