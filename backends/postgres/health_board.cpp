#include "backends/postgres/health_board.hpp"

namespace parley::postgres {

namespace {
int rank(health h) {
  switch (h) {
    case health::connected:
      return 0;
    case health::retrying:
      return 1;
    case health::failed:
      return 2;
  }
  return 2;
}
}  // namespace

void health_board::set_listener(health_listener l) {
  std::lock_guard report(report_mu_);
  listener_ = std::move(l);
}

void health_board::enable(const std::string& reason) {
  std::lock_guard report(report_mu_);
  {
    std::lock_guard lock(mu_);
    enabled_ = true;
    pool_ = live_ = reported_ = health::connected;
  }
  if (listener_) listener_(health::connected, reason);
}

void health_board::disable() {
  std::lock_guard lock(mu_);
  enabled_ = false;
}

health health_board::combined() const {
  return rank(pool_) >= rank(live_) ? pool_ : live_;
}

void health_board::update(part p, health state, const std::string& reason) {
  // Reports go out one at a time and in order (report_mu_), but without
  // mu_, so that a listener may ask state().
  std::lock_guard report(report_mu_);
  health now = health::connected;
  {
    std::lock_guard lock(mu_);
    (p == part::pool ? pool_ : live_) = state;
    now = combined();
    if (!enabled_ || now == reported_) return;
    reported_ = now;
  }
  if (listener_) listener_(now, reason);
}

health health_board::state() const {
  std::lock_guard lock(mu_);
  return combined();
}

}  // namespace parley::postgres
