#include "backends/discord/discord_harness.hpp"

#include <stdexcept>
#include <vector>

#include "backends/discord/testing/fake_discord.hpp"
#include "conformance/backend_calls.hpp"

namespace parley::discord::testing {

discord_config fake_config() {
  discord_config cfg;
  cfg.token = fake_discord::token();
  cfg.api_url = shared_fake().api_url();
  cfg.request_timeout_ms = 10000;
  return cfg;
}

std::unique_ptr<discord_backend> connect_discord(const discord_config& cfg) {
  auto b = std::make_unique<discord_backend>();
  if (auto r = b->connect(cfg); !r) throw std::runtime_error(r.error().message);
  return b;
}

discord_harness::discord_harness() : discord_harness(fake_config()) {}

discord_harness::discord_harness(discord_config cfg) : cfg_(std::move(cfg)) {}

std::unique_ptr<backend> discord_harness::connect_backend() { return connect_discord(cfg_); }

std::string discord_harness::fresh_topic() { return shared_fake().add_channel("conformance"); }

bool discord_harness::concurrent_post(const std::string& topic, int writers, int per_writer) {
  std::vector<std::unique_ptr<backend>> instances;
  for (int w = 0; w < writers; ++w) instances.push_back(connect_backend());
  conformance::post_from_each(instances, topic, per_writer);
  return true;
}

}  // namespace parley::discord::testing
