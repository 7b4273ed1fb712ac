#include "backends/slack/slack_harness.hpp"

#include <cctype>
#include <cstdlib>
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
  cfg.rate = {1000.0, 100};  // the fake has no post limit; the budget still runs
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

std::unique_ptr<backend> slack_harness::connect_backend() {
  return connect_slack(cfg_);
}

std::string slack_harness::fresh_topic() {
  return prefix_ + "X" + std::to_string(++topics_);
}

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

namespace parley::slack::testing {

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string{} : std::string(v);
}

}  // namespace

std::optional<slack_config> live_config() {
  if (env("PARLEY_SLACK_BOT_TOKEN").empty() || env("PARLEY_SLACK_APP_TOKEN").empty())
    return std::nullopt;
  config::value v = config::value::map();
  if (auto u = env("PARLEY_SLACK_API_URL"); !u.empty()) v.set("api_url", config::value::scalar(u));
  std::vector<config::problem> problems;
  auto cfg = slack_config::parse(v, problems);  // the tokens from the environment
  if (!problems.empty())
    throw std::runtime_error("bad live Slack configuration: " + problems.front().message);
  return cfg;
}

live_slack_harness::live_slack_harness() : slack_harness(*live_config()) {}

std::string live_slack_harness::fresh_topic() {
  slack_api api(cfg_);
  std::string name = "parley-test-" + prefix_ + "-" + std::to_string(++topics_);
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto created = api.write("conversations.create", {{"name", name}});
  if (!created)
    throw std::runtime_error(
        "cannot make a fresh channel for a live case (the bot needs channels:manage): " +
        created.error().message);
  simdjson::dom::object channel;
  if (created->root()["channel"].get_object().get(channel) != simdjson::SUCCESS)
    throw std::runtime_error("Slack conversations.create → an answer without channel");
  return member_text(channel, "id");
}

}  // namespace parley::slack::testing
