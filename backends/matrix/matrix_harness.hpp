#pragma once

#include <memory>
#include <string>

#include "backends/matrix/matrix_backend.hpp"
#include "backends/matrix/matrix_config.hpp"
#include "conformance/cases.hpp"

namespace parley::matrix::testing {

/// The configuration for this process's fake homeserver (started on first
/// use): user `parley`, password login.
[[nodiscard]] matrix_config fake_config();

/// A backend connected with `cfg`; throws when it cannot connect.
[[nodiscard]] std::unique_ptr<matrix_backend> connect_matrix(const matrix_config& cfg);

/// Runs the conformance suite against a homeserver: the fake by default,
/// or the one `cfg` names. Rooms are named by topic, so each harness draws
/// its topics under a random prefix.
class matrix_harness : public conformance::harness {
 public:
  matrix_harness();
  explicit matrix_harness(matrix_config cfg);

  [[nodiscard]] std::unique_ptr<backend> connect_backend() override;
  [[nodiscard]] std::string fresh_topic() override;
  /// Threads, each with a backend (and login) of its own.
  [[nodiscard]] bool concurrent_post(const std::string& topic, int writers, int per_writer) override;
  /// An event id of the right shape that no server minted.
  [[nodiscard]] std::string malformed_cursor() const override { return "%%not-a-cursor%%"; }

  [[nodiscard]] const matrix_config& config() const noexcept { return cfg_; }

 private:
  matrix_config cfg_;
  std::string prefix_;
  int topics_ = 0;
};

/// matrix_harness in application-service mode, on a fake of its own for
/// the whole test process: each post goes out as its poster's own user, so
/// senders are handles. The first backend a harness connects runs the
/// transaction listener; the others live on /sync alone.
class appservice_harness final : public matrix_harness {
 public:
  appservice_harness();
  [[nodiscard]] std::unique_ptr<backend> connect_backend() override;

 private:
  bool listener_taken_ = false;
};

/// The real homeserver of $PARLEY_MATRIX_URL, or nullopt when it is unset.
[[nodiscard]] std::optional<matrix_config> live_config();

/// matrix_harness against live_config() (which the caller checked).
class live_matrix_harness final : public matrix_harness {
 public:
  live_matrix_harness();
};

}  // namespace parley::matrix::testing
