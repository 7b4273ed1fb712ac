#pragma once

#include <memory>
#include <string>

#include "src/seam/backend.hpp"

/// Declares, inside a backend's class, the seam's operations as overrides
/// (their contract is on `parley::backend`) and the typed connect each
/// backend has beside the seam's: `connect(const CONFIG&)`, which tests and
/// tools call with a configuration they built. One list for every backend,
/// so that a backend's class says only what is its own, and a change to the
/// seam's signatures is made here once.
///
/// ```cpp
/// class redis_backend final : public backend {
///  public:
///   redis_backend();
///   ~redis_backend() override;
///   PARLEY_BACKEND_OPERATIONS(redis_config);
///   ...
/// ```
#define PARLEY_BACKEND_OPERATIONS(CONFIG)                                                                    \
  [[nodiscard]] const parley::capabilities& capabilities() const noexcept override;                          \
  [[nodiscard]] parley::result<void> connect(const parley::config::value& backend_config) override;          \
  [[nodiscard]] parley::result<void> connect(const CONFIG& cfg);                                             \
  void disconnect() override;                                                                                \
  [[nodiscard]] parley::result<std::unique_ptr<parley::subscription>> subscribe(const std::string& topic,    \
                                                                                parley::subscription_sink& sink) \
      override;                                                                                              \
  [[nodiscard]] parley::result<parley::stored_post> post(const parley::post_request& req) override;          \
  [[nodiscard]] parley::result<parley::page> fetch_recent(const parley::fetch_request& req) override;        \
  [[nodiscard]] parley::result<parley::identity_ref> resolve_identity(const std::string& handle) override;   \
  void set_health_listener(parley::health_listener listener) override
