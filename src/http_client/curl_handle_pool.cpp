#include "src/http_client/curl_handle_pool.hpp"

namespace parley::http {

namespace {

/// curl_global_init is not thread-safe on every libcurl build; run it once.
bool curl_ready() {
  static const bool ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  return ready;
}

}  // namespace

curl_handle_pool::lease::~lease() {
  if (entry_.easy != nullptr) pool_->give_back(entry_);
}

curl_handle_pool::curl_handle_pool(std::size_t max_idle) : max_idle_(max_idle) {}

curl_handle_pool::~curl_handle_pool() {
  for (const auto& e : idle_) destroy(e);
}

curl_handle_pool::lease curl_handle_pool::borrow() {
  std::unique_lock lock(mutex_);
  entry e;
  if (!idle_.empty()) {
    e = idle_.back();
    idle_.pop_back();
  } else {
    lock.unlock();
    if (!curl_ready()) return lease(this, {});
    e.multi = curl_multi_init();
    e.easy = curl_easy_init();
    if (e.multi == nullptr || e.easy == nullptr) {
      destroy(e);
      return lease(this, {});
    }
    lock.lock();
  }
  lent_.insert(e.multi);
  return lease(this, e);
}

void curl_handle_pool::wake_all() {
  std::lock_guard lock(mutex_);
  for (CURLM* m : lent_) curl_multi_wakeup(m);
}

void curl_handle_pool::give_back(entry e) {
  // Clears the options of the last exchange; keeps the live connections.
  curl_easy_reset(e.easy);
  std::unique_lock lock(mutex_);
  lent_.erase(e.multi);
  if (idle_.size() < max_idle_) {
    idle_.push_back(e);
    return;
  }
  lock.unlock();
  destroy(e);
}

void curl_handle_pool::destroy(entry e) noexcept {
  if (e.easy != nullptr) curl_easy_cleanup(e.easy);
  if (e.multi != nullptr) curl_multi_cleanup(e.multi);
}

}  // namespace parley::http
