#include "backends/redis/link_monitor.hpp"

#include "src/util/log.hpp"

namespace parley::redis {

link_monitor::link_monitor(probe_fn probe, health_listener listener,
                           std::chrono::milliseconds min_delay, std::chrono::milliseconds max_delay)
    : probe_(std::move(probe)), listener_(std::move(listener)), backoff_(min_delay, max_delay) {}

link_monitor::~link_monitor() {
  stop();
}

void link_monitor::set_on_change(std::function<void(health)> on_change) {
  on_change_ = std::move(on_change);
}

void link_monitor::start() {
  thread_ = std::thread([this] { run(); });
}

void link_monitor::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

health link_monitor::state() const {
  std::lock_guard lock(mu_);
  return state_;
}

std::uint64_t link_monitor::epoch() const {
  std::lock_guard lock(mu_);
  return epoch_;
}

std::string link_monitor::reason() const {
  std::lock_guard lock(mu_);
  return reason_;
}

void link_monitor::report_lost(std::uint64_t seen_epoch, const std::string& why) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || seen_epoch != epoch_ || state_ != health::connected) return;
    state_ = health::retrying;
    reason_ = why;
    lost_pending_ = true;
  }
  cv_.notify_all();
}

void link_monitor::notify(health state, const std::string& reason) {
  if (listener_) listener_(state, reason);
  if (on_change_) on_change_(state);
}

void link_monitor::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || state_ != health::connected; });
    if (stopping_) return;
    if (lost_pending_) {
      lost_pending_ = false;
      const std::string why = reason_;
      lock.unlock();
      log::debug("redis", "lost the server: " + why + "; reconnecting");
      notify(health::retrying, why);
      lock.lock();
    }
    backoff_.reset();
    for (int attempt = 0; !stopping_; ++attempt) {
      cv_.wait_for(lock, backoff_.next(), [this] { return stopping_; });
      if (stopping_) return;
      lock.unlock();
      auto probed = probe_();
      lock.lock();
      if (stopping_) return;
      if (probed) {
        ++epoch_;
        state_ = health::connected;
        reason_.clear();
        lock.unlock();
        log::debug("redis", "reconnected after " + std::to_string(attempt + 1) + " attempt(s)");
        notify(health::connected,
               "reconnected after " + std::to_string(attempt + 1) + " attempt(s)");
        lock.lock();
        break;
      }
      const auto& e = probed.error();
      reason_ = e.message;
      if (e.code == errc::bad_credentials && state_ != health::failed) {
        // Retrying cannot fix refused credentials; keep probing slowly in case
        // an operator fixes the ACL, but say so.
        state_ = health::failed;
        lock.unlock();
        log::debug("redis", e.message);
        notify(health::failed, e.message);
        lock.lock();
      } else if (e.code != errc::bad_credentials && state_ == health::failed) {
        state_ = health::retrying;
        const std::string why = e.message;
        lock.unlock();
        notify(health::retrying, why);
        lock.lock();
      }
    }
  }
}

}  // namespace parley::redis
