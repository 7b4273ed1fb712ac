#pragma once

#include <mutex>
#include <string>

#include "src/seam/backend.hpp"

namespace parley::postgres {

/// The backend's health as one state made of its parts: the connection pool
/// (posts, reads) and the LISTEN connection (live push). Connected only when
/// both are; failed when either is. Reports each change of the combined
/// state to the health listener, in order.
class health_board {
 public:
  enum class part { pool, listener };

  void set_listener(health_listener l);
  /// Starts reporting (after connect succeeded) with a `connected` report.
  void enable(const std::string& reason);
  void disable();
  void update(part p, health state, const std::string& reason);
  [[nodiscard]] health state() const;

 private:
  [[nodiscard]] health combined() const;

  std::mutex report_mu_;  // held while the listener runs; taken before mu_
  health_listener listener_;
  mutable std::mutex mu_;
  health pool_ = health::connected;
  health live_ = health::connected;
  health reported_ = health::connected;
  bool enabled_ = false;
};

}  // namespace parley::postgres
