#pragma once

#include <memory>
#include <string>

#include "backends/xmpp/xmpp_backend.hpp"
#include "backends/xmpp/xmpp_config.hpp"
#include "conformance/cases.hpp"

namespace parley::xmpp::testing {

/// The configuration for the Prosody of scripts/test-services.sh
/// ($PARLEY_XMPP_SERVICE, $PARLEY_XMPP_DOMAIN, $PARLEY_XMPP_MUC), or a failed
/// test that says how to get a server: these tests never skip silently.
[[nodiscard]] xmpp_config require_xmpp_config();

/// A backend connected with `cfg`; requires success.
[[nodiscard]] std::unique_ptr<xmpp_backend> connect_xmpp(const xmpp_config& cfg);

/// Runs the conformance suite against the live Prosody. Rooms are named by
/// topic, so each harness draws its topics under a random prefix; each
/// backend it connects is a connection (and nick) of its own.
class xmpp_harness final : public conformance::harness {
 public:
  xmpp_harness();

  [[nodiscard]] std::unique_ptr<backend> connect_backend() override;
  [[nodiscard]] std::string fresh_topic() override;
  /// Threads, each with a connection of its own.
  [[nodiscard]] bool concurrent_post(const std::string& topic, int writers, int per_writer) override;

  [[nodiscard]] const xmpp_config& config() const noexcept { return cfg_; }

 private:
  xmpp_config cfg_;
  std::string prefix_;
  int topics_ = 0;
};

}  // namespace parley::xmpp::testing
