#pragma once

#include <memory>
#include <string>

#include "backends/matrix/matrix_config.hpp"
#include "backends/matrix/testing/fake_homeserver.hpp"

namespace parley::matrix::testing {

/// A fake homeserver of its own with our application service registered
/// (tokens `as-secret` / `hs-secret`, sender `parley_bridge`, users
/// `@parley_.*`), pushing transactions to a free loopback port.
struct appservice_fixture {
  appservice_fixture();
  ~appservice_fixture();
  appservice_fixture(const appservice_fixture&) = delete;
  appservice_fixture& operator=(const appservice_fixture&) = delete;

  /// The configuration of a backend in application-service mode; with
  /// `listen`, its transaction listener binds `port`.
  [[nodiscard]] matrix_config config(bool listen = true) const;

  int port;
  std::string registration_path;
  std::unique_ptr<fake_homeserver> fake;
};

}  // namespace parley::matrix::testing
