#pragma once

#include <curl/curl.h>

#include <cstddef>
#include <mutex>
#include <set>
#include <vector>

namespace parley::http {

/// The libcurl handles of one http_client: an easy handle with a multi
/// handle of its own, lent out for one exchange and taken back after. The
/// multi handle keeps the connection cache, so a handle lent again reuses
/// its keep-alive connection; and it can be woken (curl_multi_wakeup) from
/// another thread, which is how stop() ends a transfer that waits on a
/// silent server at once rather than at libcurl's next progress tick.
/// Thread-safe.
class curl_handle_pool {
 public:
  struct entry {
    CURLM* multi = nullptr;
    CURL* easy = nullptr;
  };

  /// Lends an entry until destroyed; falsy when libcurl could not make one.
  class lease {
   public:
    lease(curl_handle_pool* pool, entry e) : pool_(pool), entry_(e) {}
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;
    ~lease();
    explicit operator bool() const noexcept { return entry_.easy != nullptr; }
    [[nodiscard]] const entry& get() const noexcept { return entry_; }

   private:
    curl_handle_pool* pool_;
    entry entry_;
  };

  /// Keeps at most `max_idle` entries (and their connections) between exchanges.
  explicit curl_handle_pool(std::size_t max_idle);
  curl_handle_pool(const curl_handle_pool&) = delete;
  curl_handle_pool& operator=(const curl_handle_pool&) = delete;
  ~curl_handle_pool();

  /// The most recently returned entry (its connection is the likeliest to be
  /// alive), or a new one.
  [[nodiscard]] lease borrow();

  /// Wakes every lent entry's multi handle from its poll.
  void wake_all();

 private:
  void give_back(entry e);
  static void destroy(entry e) noexcept;

  std::mutex mutex_;
  std::vector<entry> idle_;
  std::set<CURLM*> lent_;
  std::size_t max_idle_;
};

}  // namespace parley::http
