#include "backends/redis/redis_harness.hpp"

#include "conformance/backend_calls.hpp"

#include <hiredis/hiredis.h>

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "backends/redis/redis_connection.hpp"

namespace parley::redis::testing {

std::string require_redis_url() {
  const char* url = std::getenv("PARLEY_REDIS_URL");
  if (!url || !*url)
    FAIL(
        "PARLEY_REDIS_URL is not set. These tests need a live redis-server: run them with "
        "scripts/test.sh, or start one with `scripts/test-services.sh start DIR` and "
        "`source DIR/env`.");
  return url;
}

std::string random_prefix() {
  std::random_device rd;
  std::uniform_int_distribution<std::uint64_t> dist;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(dist(rd)));
  return std::string("parleytest:") + buf + ":";
}

void delete_keys(const endpoint& ep, const std::string& prefix) {
  auto c = connection::open(ep, std::chrono::milliseconds(5000));
  if (!c) return;
  std::string cursor = "0";
  do {
    auto r = c->command({"SCAN", cursor, "MATCH", prefix + "*", "COUNT", "1000"});
    if (!r || !is_array(**r) || (*r)->elements != 2) return;
    cursor = std::string(text_of(*(*r)->element[0]));
    const auto& keys = *(*r)->element[1];
    if (keys.elements == 0) continue;
    command_args unlink{"UNLINK"};
    for (std::size_t i = 0; i < keys.elements; ++i) unlink.emplace_back(text_of(*keys.element[i]));
    (void)c->command(unlink);
  } while (cursor != "0");
}

redis_harness::redis_harness() {
  const std::string url = require_redis_url();
  std::string why;
  auto ep = endpoint::parse(url, why);
  if (!ep) FAIL("PARLEY_REDIS_URL: " << why);
  cfg_.server = *ep;
  cfg_.key_prefix = random_prefix();
}

redis_harness::~redis_harness() {
  delete_keys(cfg_.server, cfg_.key_prefix);
}

std::unique_ptr<redis_backend> redis_harness::connect_redis() {
  auto b = std::make_unique<redis_backend>();
  if (auto r = b->connect(cfg_); !r) throw std::runtime_error(r.error().message);
  return b;
}

std::unique_ptr<backend> redis_harness::connect_backend() {
  return connect_redis();
}

bool redis_harness::concurrent_post(const std::string& topic, int writers, int per_writer) {
  std::vector<std::unique_ptr<backend>> instances;
  for (int w = 0; w < writers; ++w) instances.push_back(connect_redis());
  conformance::post_from_each(instances, topic, per_writer);
  return true;
}

}  // namespace parley::redis::testing
