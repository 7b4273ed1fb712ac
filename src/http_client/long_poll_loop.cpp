#include "src/http_client/long_poll_loop.hpp"

#include <utility>

#include "src/util/backoff.hpp"

namespace parley::http {

long_poll_loop::long_poll_loop(step_function step, health_listener on_health, options opts)
    : step_(std::move(step)), on_health_(std::move(on_health)), opts_(opts) {}

long_poll_loop::~long_poll_loop() {
  stop();
}

void long_poll_loop::start() {
  thread_ = std::thread([this] { run(); });
}

void long_poll_loop::request_stop() {
  {
    // Under the mutex, so the loop cannot miss the flag between its check
    // and its backoff sleep.
    std::lock_guard lock(mutex_);
    stopping_.store(true);
  }
  cv_.notify_all();
}

void long_poll_loop::stop() {
  request_stop();
  if (thread_.joinable()) thread_.join();
}

void long_poll_loop::report(health state, const std::string& reason) {
  if (reported_ == state) return;
  reported_ = state;
  if (on_health_) on_health_(state, reason);
}

void long_poll_loop::run() {
  backoff delays(opts_.backoff_initial, opts_.backoff_cap);
  while (!stopping_.load()) {
    auto outcome = step_();
    if (stopping_.load()) return;
    if (outcome) {
      delays.reset();
      report(health::connected, "");
      continue;
    }
    const error& err = outcome.error();
    if (err.code == errc::not_connected) return;
    if (err.code == errc::bad_credentials) {
      report(health::failed, err.message);
      return;
    }
    report(health::retrying, err.message);
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, delays.next(), [this] { return stopping_.load(); });
  }
}

}  // namespace parley::http
