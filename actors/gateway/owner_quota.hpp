#pragma once

// Per-owner limits of a multi-owner gateway (docs/features.md, "Owners and the OAuth front door"):
// how many sessions an owner may hold and how many MCP requests per minute their sessions may
// make, so one owner cannot starve the others. Thread-safe (HTTP threads).

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "src/config/owners_config.hpp"

namespace parley {

class owner_quota {
 public:
  using clock_type = std::chrono::steady_clock;

  explicit owner_quota(const std::vector<owner_config>& owners);

  /// Takes one request from the owner's bucket; false when it is empty
  /// (answer 429). `retry_after_s` then says when one is available. Owner ""
  /// (static tokens) is unlimited.
  [[nodiscard]] bool admit_request(const std::string& owner, std::int64_t& retry_after_s,
                                   clock_type::time_point now = clock_type::now());
  /// Reserves a session slot; false at the owner's max_sessions.
  [[nodiscard]] bool open_session(const std::string& owner);
  void close_session(const std::string& owner);

  /// Prometheus lines: sessions, requests and refusals per owner.
  [[nodiscard]] std::string prometheus() const;

 private:
  struct bucket {
    double tokens = 0;
    double capacity = 0;
    double per_second = 0;
    clock_type::time_point last;
    std::int64_t sessions = 0;
    std::int64_t max_sessions = 0;
    std::uint64_t requests = 0;
    std::uint64_t rate_limited = 0;
    std::uint64_t session_refused = 0;
  };
  mutable std::mutex mu_;
  std::map<std::string, bucket> owners_;
};

}  // namespace parley
