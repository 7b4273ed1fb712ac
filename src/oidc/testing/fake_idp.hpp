#pragma once

#include <map>
#include <mutex>
#include <string>

#include "src/oidc/fetch.hpp"

namespace parley::oidc::testing {

/// Test-only: an in-process stand-in for an identity provider's HTTP
/// endpoints, as a fetch_function. Serves whatever body and status was last
/// set per URL; an unknown URL is a 404; `down` makes every fetch fail as an
/// unreachable host would. Thread-safe.
class fake_idp {
 public:
  void serve(const std::string& url, std::string body, long status = 200) {
    std::lock_guard lock(mutex_);
    routes_[url] = http_response{status, std::move(body)};
  }
  void set_down(bool down) {
    std::lock_guard lock(mutex_);
    down_ = down;
  }
  [[nodiscard]] int calls(const std::string& url) const {
    std::lock_guard lock(mutex_);
    auto it = calls_.find(url);
    return it == calls_.end() ? 0 : it->second;
  }
  /// The fetch function; the fake must outlive it.
  [[nodiscard]] fetch_function fetcher() {
    return [this](const std::string& url) -> fetch_result {
      std::lock_guard lock(mutex_);
      ++calls_[url];
      if (down_) return parley::error{parley::errc::backend_unavailable, "Connection refused"};
      auto it = routes_.find(url);
      if (it == routes_.end()) return http_response{404, "not found"};
      return it->second;
    };
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, http_response> routes_;
  std::map<std::string, int> calls_;
  bool down_ = false;
};

}  // namespace parley::oidc::testing
