#include "backends/slack/slack_harness.hpp"

#include <random>
#include <stdexcept>

#include "backends/slack/testing/fake_slack.hpp"
#include "conformance/backend_calls.hpp"

namespace parley::slack::testing {

slack_config fake_config() {
  slack_config cfg;
  cfg.api_url = shared_fake().url() + "/api";
  cfg.bot_token = "xoxb-fake";
  cfg.app_token = "xapp-fake";
  cfg.request_timeout = std::chrono::milliseconds(10'000);
  return cfg;
}

std::unique_ptr<slack_backend> connect_slack(const slack_config& cfg) {
  auto b = std::make_unique<slack_backend>();
  if (auto r = b->connect(cfg); !r) throw std::runtime_error(r.error().message);
  return b;
}

slack_harness::slack_harness() : slack_harness(fake_config()) {}

slack_harness::slack_harness(slack_config cfg) : cfg_(std::move(cfg)) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::random_device rd;
  prefix_ = "C";
  for (int i = 0; i < 6; ++i) prefix_ += alphabet[rd() % 36];
}

std::unique_ptr<backend> slack_harness::connect_backend() { return connect_slack(cfg_); }

std::string slack_harness::fresh_topic() { return prefix_ + "X" + std::to_string(++topics_); }

bool slack_harness::concurrent_post(const std::string& topic, int writers, int per_writer) {
  std::vector<std::unique_ptr<backend>> instances;
  for (int w = 0; w < writers; ++w) instances.push_back(connect_backend());
  conformance::post_from_each(instances, topic, per_writer);
  return true;
}

namespace {

slack_config customize_config() {
  auto cfg = fake_config();
  cfg.bot_token = "xoxb-fake-customize";
  return cfg;
}

}  // namespace

username_harness::username_harness() : slack_harness(customize_config()) {}

}  // namespace parley::slack::testing
