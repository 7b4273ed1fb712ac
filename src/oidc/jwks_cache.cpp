#include "src/oidc/jwks_cache.hpp"

#include "src/oidc/printable.hpp"
#include "src/util/log.hpp"

namespace parley::oidc {

jwks_cache::jwks_cache(std::string jwks_uri, fetch_function fetch, jwks_cache_options options,
                       clock_function clock)
    : jwks_uri_(std::move(jwks_uri)),
      fetch_(std::move(fetch)),
      options_(options),
      clock_(std::move(clock)) {}

result<void> jwks_cache::refresh() {
  std::lock_guard fetch_lock(fetch_mutex_);
  return fetch_locked(clock_());
}

std::size_t jwks_cache::fetch_count() const {
  std::lock_guard lock(state_mutex_);
  return fetch_count_;
}

result<void> jwks_cache::fetch_locked(time_point now) {
  {
    std::lock_guard lock(state_mutex_);
    last_attempt_ = now;
    ++fetch_count_;
  }
  auto response = fetch_(jwks_uri_);
  if (!response)
    return fail(errc::backend_unavailable, "JWKS fetch failed: cannot reach " + jwks_uri_ + " (" +
                                               response.error().message + ")");
  if (response->status != 200)
    return fail(errc::backend_unavailable, "JWKS fetch failed: " + jwks_uri_ + " returned HTTP " +
                                               std::to_string(response->status));
  auto set = parse_jwks(response->body);
  if (!set)
    return fail(errc::backend_unavailable, "JWKS fetch failed: " + jwks_uri_ +
                                               " returned an invalid document (" +
                                               set.error().message + ")");
  const std::size_t usable = set->keys.size();
  const std::size_t skipped = set->skipped;
  {
    std::lock_guard lock(state_mutex_);
    keys_ = std::make_shared<const jwk_set>(std::move(*set));
    fetched_at_ = now;
  }
  // Installed even when empty: the IdP's current answer is the truth.
  if (usable == 0)
    return fail(errc::backend_unavailable, "JWKS " + jwks_uri_ + " has no usable signing key (" +
                                               std::to_string(skipped) + " skipped)");
  return {};
}

result<std::shared_ptr<const jwk>> jwks_cache::key_for(const std::optional<std::string>& kid,
                                                       jws_alg alg) {
  std::shared_ptr<const jwk_set> seen;
  bool fresh = false;
  {
    std::lock_guard lock(state_mutex_);
    seen = keys_;
    fresh = seen && (options_.max_age.count() == 0 || clock_() - fetched_at_ < options_.max_age);
  }
  if (fresh)
    if (auto k = seen->find(kid, alg)) return k;

  std::lock_guard fetch_lock(fetch_mutex_);
  const auto now = clock_();
  std::shared_ptr<const jwk_set> current;
  bool may_fetch = false;
  {
    std::lock_guard lock(state_mutex_);
    current = keys_;
    may_fetch = !last_attempt_ || now - *last_attempt_ >= options_.min_refetch_interval;
  }
  // Another thread may have fetched while this one waited for fetch_mutex_.
  if (current && current != seen)
    if (auto k = current->find(kid, alg)) return k;
  if (may_fetch) {
    if (auto r = fetch_locked(now); !r) log::warn("oidc", r.error().message);
    std::lock_guard lock(state_mutex_);
    current = keys_;
  }
  // Past max_age and not refetched (rate limit or failure): the old keys
  // still verify, which beats refusing every token while the IdP is down.
  if (current)
    if (auto k = current->find(kid, alg)) return k;
  if (!current)
    return fail(errc::backend_unavailable, "no keys fetched from " + jwks_uri_ + " yet");
  return fail(errc::unknown_name, "no " + std::string(to_string(alg)) + " key with kid \"" +
                                      printable(kid.value_or("")) + "\" in " + jwks_uri_);
}

}  // namespace parley::oidc
