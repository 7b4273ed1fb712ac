#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "src/oidc/fetch.hpp"
#include "src/oidc/key_source.hpp"

namespace parley::oidc {

/// The timing of jwks_cache; the defaults are those of the original's
/// `jose.createRemoteJWKSet` (cooldown 30 s, cache max age 10 min).
struct jwks_cache_options {
  /// At most one fetch per this interval, however many tokens name unknown
  /// kids: a stream of forged kids must not make us hammer the IdP.
  std::chrono::seconds min_refetch_interval{30};
  /// Keys older than this are refetched on the next lookup, so a key the IdP
  /// withdrew stops verifying within this time. Zero: never by age.
  std::chrono::seconds max_age{600};
};

/// The keys of one JWKS URL, fetched lazily and shared by all verifying
/// threads.
///
/// A lookup of a known kid never waits for the network. An unknown kid (or
/// keys past max_age, or none yet) triggers a refetch, unless one was tried
/// within min_refetch_interval; so a rotated-in key is found on first use,
/// and an unknown kid costs at most one fetch per interval. One fetch runs at
/// a time; threads that wanted one meanwhile use its outcome. A failed fetch
/// keeps the previous keys (logged as a warning) rather than refusing every
/// token while the IdP is briefly down.
class jwks_cache final : public key_source {
 public:
  using clock_function = std::function<std::chrono::steady_clock::time_point()>;

  jwks_cache(
      std::string jwks_uri, fetch_function fetch, jwks_cache_options options = {},
      clock_function clock = [] { return std::chrono::steady_clock::now(); });

  /// Fetches now, ignoring the rate limit (gateway boot, to report a broken
  /// JWKS early). The error says what went wrong; the old keys stay.
  [[nodiscard]] result<void> refresh();

  [[nodiscard]] result<std::shared_ptr<const jwk>> key_for(const std::optional<std::string>& kid,
                                                           jws_alg alg) override;

  /// Fetch attempts so far (tests and metrics).
  [[nodiscard]] std::size_t fetch_count() const;

  [[nodiscard]] const std::string& jwks_uri() const noexcept { return jwks_uri_; }

 private:
  using time_point = std::chrono::steady_clock::time_point;

  /// Fetches and parses; on success installs the new set. Holds fetch_mutex_.
  result<void> fetch_locked(time_point now);

  const std::string jwks_uri_;
  const fetch_function fetch_;
  const jwks_cache_options options_;
  const clock_function clock_;

  /// Serializes fetches; never held by a lookup that finds its key.
  std::mutex fetch_mutex_;
  /// Guards the members below; never held across a fetch.
  mutable std::mutex state_mutex_;
  std::shared_ptr<const jwk_set> keys_;
  time_point fetched_at_{};
  std::optional<time_point> last_attempt_;
  std::size_t fetch_count_ = 0;
};

}  // namespace parley::oidc
