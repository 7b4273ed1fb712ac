#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace parley::oauth {

/// Counts failed sign-ins on the consent page per owner name and per peer
/// address, so a secret cannot be guessed online: after `max_failures` in
/// `window_s` seconds either key is refused until its oldest failure ages
/// out. Only failures count: an owner who signs in correctly is never held
/// back by their own success. Thread-safe.
class signin_throttle {
 public:
  explicit signin_throttle(std::size_t max_failures = 10, std::int64_t window_s = 15 * 60,
                           std::size_t max_keys = 100'000)
      : max_failures_(max_failures), window_s_(window_s), max_keys_(max_keys) {}

  /// 0 when an attempt for (owner, peer) may proceed at `now` (unix
  /// seconds); otherwise the seconds to wait (the Retry-After value).
  [[nodiscard]] std::int64_t retry_after(const std::string& owner, const std::string& peer,
                                         std::int64_t now);

  /// Records one failure against both keys.
  void record_failure(const std::string& owner, const std::string& peer, std::int64_t now);

 private:
  std::int64_t wait_for(const std::string& key, std::int64_t now);
  void prune(std::int64_t now);

  std::size_t max_failures_;
  std::int64_t window_s_;
  /// Unknown owner names are keys too; past this many keys, expired ones are
  /// dropped first, and if that is not enough the oldest-touched go.
  std::size_t max_keys_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::deque<std::int64_t>> failures_;
};

}  // namespace parley::oauth
