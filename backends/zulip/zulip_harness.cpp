#include "backends/zulip/zulip_harness.hpp"

#include <cstdlib>
#include <random>
#include <stdexcept>

#include "backends/zulip/testing/fake_zulip.hpp"
#include "conformance/backend_calls.hpp"

namespace parley::zulip::testing {

zulip_config fake_config() {
  zulip_config cfg;
  cfg.site_url = shared_fake().url();
  cfg.events_timeout = std::chrono::milliseconds(5'000);
  cfg.request_timeout = std::chrono::milliseconds(10'000);
  cfg.requests_per_minute = 100'000;  // the fake has no limit; the budget still runs
  return cfg;
}

std::unique_ptr<zulip_backend> connect_zulip(const zulip_config& cfg) {
  auto b = std::make_unique<zulip_backend>();
  if (auto r = b->connect(cfg); !r) throw std::runtime_error(r.error().message);
  return b;
}

zulip_harness::zulip_harness() : zulip_harness(fake_config()) {}

zulip_harness::zulip_harness(zulip_config cfg) : cfg_(std::move(cfg)) {
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device rd;
  for (int i = 0; i < 8; ++i) prefix_ += alphabet[rd() % 36];
}

std::unique_ptr<backend> zulip_harness::connect_backend() {
  return connect_zulip(cfg_);
}

std::string zulip_harness::fresh_topic() {
  return "t" + prefix_ + "-" + std::to_string(++topics_);
}

bool zulip_harness::concurrent_post(const std::string& topic, int writers, int per_writer) {
  std::vector<std::unique_ptr<backend>> instances;
  for (int w = 0; w < writers; ++w) instances.push_back(connect_backend());
  conformance::post_from_each(instances, topic, per_writer);
  return true;
}

namespace {

zulip_config wildcard_config() {
  auto cfg = fake_config();
  cfg.all_topics = true;
  return cfg;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string{} : std::string(v);
}

}  // namespace

wildcard_harness::wildcard_harness() : zulip_harness(wildcard_config()) {}

std::optional<zulip_config> live_config() {
  if (env("PARLEY_ZULIP_URL").empty() || env("PARLEY_ZULIP_EMAIL").empty() ||
      env("PARLEY_ZULIP_API_KEY").empty())
    return std::nullopt;
  config::value v = config::value::map();
  v.set("site_url", config::value::scalar(env("PARLEY_ZULIP_URL")));
  v.set("email", config::value::scalar(env("PARLEY_ZULIP_EMAIL")));
  v.set("stream", config::value::scalar(env("PARLEY_ZULIP_STREAM").empty() ? "parley" : env("PARLEY_ZULIP_STREAM")));
  std::vector<config::problem> problems;
  auto cfg = zulip_config::parse(v, problems);  // the key from $PARLEY_ZULIP_API_KEY
  if (!problems.empty()) throw std::runtime_error("bad live Zulip configuration: " + problems.front().message);
  return cfg;
}

}  // namespace parley::zulip::testing
