#include "backends/postgres/connection_pool.hpp"

#include "src/util/log.hpp"

namespace parley::postgres {

namespace {
using clock_type = std::chrono::steady_clock;
constexpr auto wait_for_connection = std::chrono::seconds(30);
}  // namespace

connection_pool::connection_pool(std::string url, std::size_t size, setup_fn setup,
                                 std::shared_ptr<health_board> health)
    : url_(std::move(url)), size_(size), setup_(std::move(setup)), health_(std::move(health)) {}

connection_pool::lease::~lease() {
  if (pool_ && conn_) pool_->give_back(std::move(conn_));
}

void connection_pool::give_back(std::unique_ptr<connection> conn) {
  const bool healthy = conn->ok() && PQtransactionStatus(conn->get()) == PQTRANS_IDLE;
  const std::string reason = healthy ? "" : conn->last_error();
  std::unique_lock lock(mu_);
  if (healthy && !closed_) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;
    lock.unlock();
    if (!conn->ok()) mark_down("connection lost: " + reason, health::retrying);
    conn.reset();
    lock.lock();
  }
  cv_.notify_one();
}

error connection_pool::down_error() const {
  return error{down_state_ == health::failed ? errc::bad_credentials : errc::backend_unavailable,
               "parley-postgres: server unavailable (" + down_reason_ + "); reconnecting"};
}

std::optional<error> connection_pool::fast_fail() {
  std::lock_guard lock(mu_);
  if (closed_) return error{errc::not_connected, "parley-postgres: not connected"};
  if (down_ && clock_type::now() < retry_at_) return down_error();
  return std::nullopt;
}

result<connection_pool::lease> connection_pool::acquire() {
  std::unique_lock lock(mu_);
  const auto give_up = clock_type::now() + wait_for_connection;
  for (;;) {
    if (closed_) return fail(errc::not_connected, "parley-postgres: not connected");
    if (down_ && clock_type::now() < retry_at_) return down_error();
    while (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      if (!conn->idle_but_dead()) return lease(shared_from_this(), std::move(conn));
      --open_;  // closed by the server while idle (a restart): drop it
    }
    if (open_ < size_) {
      ++open_;
      if (down_) retry_at_ = clock_type::now() + backoff_.next();  // one prober at a time
      lock.unlock();
      auto opened = connection::open(url_);
      if (opened) {
        auto conn = std::make_unique<connection>(std::move(*opened));
        if (auto r = setup_(*conn); !r) {
          lock.lock();
          --open_;
          return r.error();
        }
        mark_up("reconnected");
        return lease(shared_from_this(), std::move(conn));
      }
      mark_down(opened.error().message,
                opened.error().code == errc::bad_credentials ? health::failed : health::retrying);
      lock.lock();
      --open_;
      cv_.notify_one();
      return opened.error();
    }
    if (cv_.wait_until(lock, give_up) == std::cv_status::timeout)
      return fail(errc::backend_unavailable, "parley-postgres: all " + std::to_string(size_) +
                                                 " pooled connections stayed busy for 30 s");
  }
}

void connection_pool::adopt(connection c) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::make_unique<connection>(std::move(c)));
  ++open_;
}

void connection_pool::mark_down(const std::string& reason, health state) {
  bool first = false;
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    const health before = down_ ? down_state_ : health::connected;
    first = !down_;
    down_ = true;
    down_state_ = state;
    down_reason_ = reason;
    if (first) {
      backoff_.reset();
      retry_at_ = clock_type::now() + backoff_.next();
      // Idle connections went down with the server.
      open_ -= idle_.size();
      idle_.clear();
    }
    if (before == state) return;
  }
  if (first) log::warn("postgres", "pool: " + reason);
  health_->update(health_board::part::pool, state, reason);
}

void connection_pool::mark_up(const std::string& reason) {
  {
    std::lock_guard lock(mu_);
    if (!down_) return;
    down_ = false;
    backoff_.reset();
  }
  log::info("postgres", "pool: " + reason);
  health_->update(health_board::part::pool, health::connected, reason);
}

void connection_pool::server_reachable(const std::string& reason) {
  mark_up(reason);
}

void connection_pool::close() {
  std::lock_guard lock(mu_);
  closed_ = true;
  open_ -= idle_.size();
  idle_.clear();
  cv_.notify_all();
}

}  // namespace parley::postgres
