#include "backends/xmpp/xmpp_harness.hpp"

#include "conformance/backend_calls.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

namespace parley::xmpp::testing {

namespace {

std::string env_or_fail(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0')
    FAIL(name << " is not set. These tests need a live Prosody: run them with scripts/test.sh, or start "
                 "one with `scripts/test-services.sh start DIR` and `source DIR/env`.");
  return v;
}

}  // namespace

xmpp_config require_xmpp_config() {
  config::value v = config::value::map();
  v.set("service", config::value::scalar(env_or_fail("PARLEY_XMPP_SERVICE")));
  v.set("domain", config::value::scalar(env_or_fail("PARLEY_XMPP_DOMAIN")));
  v.set("muc_service", config::value::scalar(env_or_fail("PARLEY_XMPP_MUC")));
  v.set("password", config::value::scalar("test-password"));
  v.set("tls", config::value::scalar("false"));
  // The test server takes stanzas up to 2 MiB (scripts/test-services.sh).
  v.set("max_stanza_bytes", config::value::scalar(std::to_string(2 * 1024 * 1024)));
  std::vector<config::problem> problems;
  auto cfg = xmpp_config::parse(v, problems);
  if (!problems.empty()) FAIL("bad XMPP test configuration: " << problems.front().message);
  return cfg;
}

std::unique_ptr<xmpp_backend> connect_xmpp(const xmpp_config& cfg) {
  auto b = std::make_unique<xmpp_backend>();
  if (auto r = b->connect(cfg); !r) throw std::runtime_error(r.error().message);
  return b;
}

xmpp_harness::xmpp_harness() : cfg_(require_xmpp_config()) {
  std::random_device rd;
  prefix_ = "t" + std::to_string(rd() % 1000000000u) + "-";
}

std::unique_ptr<backend> xmpp_harness::connect_backend() {
  auto cfg = cfg_;
  cfg.nick = random_nick(cfg.username);
  return connect_xmpp(cfg);
}

std::string xmpp_harness::fresh_topic() { return prefix_ + std::to_string(++topics_); }

bool xmpp_harness::concurrent_post(const std::string& topic, int writers, int per_writer) {
  std::vector<std::unique_ptr<backend>> instances;
  for (int w = 0; w < writers; ++w) instances.push_back(connect_backend());
  conformance::post_from_each(instances, topic, per_writer);
  return true;
}

}  // namespace parley::xmpp::testing
