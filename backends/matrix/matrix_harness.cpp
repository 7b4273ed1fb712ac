#include "backends/matrix/matrix_harness.hpp"

#include "conformance/backend_calls.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "backends/matrix/testing/appservice_fixture.hpp"
#include "backends/matrix/testing/fake_homeserver.hpp"

namespace parley::matrix::testing {

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string{} : std::string(v);
}

}  // namespace

matrix_config fake_config() {
  matrix_config cfg;
  cfg.homeserver_url = shared_fake().url();
  cfg.user = "parley";
  cfg.password = "test-password";
  cfg.default_password = false;
  cfg.server_name = fake_homeserver::server_name();
  cfg.sync_timeout_ms = 5000;
  return cfg;
}

std::unique_ptr<matrix_backend> connect_matrix(const matrix_config& cfg) {
  auto b = std::make_unique<matrix_backend>();
  if (auto r = b->connect(cfg); !r) throw std::runtime_error(r.error().message);
  return b;
}

matrix_harness::matrix_harness() : matrix_harness(fake_config()) {}

matrix_harness::matrix_harness(matrix_config cfg) : cfg_(std::move(cfg)) {
  std::random_device rd;
  prefix_ = "t" + std::to_string(rd() % 1000000000u) + "-";
}

std::unique_ptr<backend> matrix_harness::connect_backend() { return connect_matrix(cfg_); }

std::string matrix_harness::fresh_topic() { return prefix_ + std::to_string(++topics_); }

bool matrix_harness::concurrent_post(const std::string& topic, int writers, int per_writer) {
  std::vector<std::unique_ptr<backend>> instances;
  for (int w = 0; w < writers; ++w) instances.push_back(connect_backend());
  conformance::post_from_each(instances, topic, per_writer);
  return true;
}

namespace {

appservice_fixture& shared_appservice() {
  static appservice_fixture fixture;
  return fixture;
}

}  // namespace

appservice_harness::appservice_harness() : matrix_harness(shared_appservice().config(false)) {}

std::unique_ptr<backend> appservice_harness::connect_backend() {
  const bool listen = !listener_taken_;
  listener_taken_ = true;
  return connect_matrix(shared_appservice().config(listen));
}

std::optional<matrix_config> live_config() {
  const auto url = env("PARLEY_MATRIX_URL");
  if (url.empty()) return std::nullopt;
  config::value v = config::value::map();
  v.set("homeserver_url", config::value::scalar(url));
  if (auto s = env("PARLEY_MATRIX_SERVER_NAME"); !s.empty()) v.set("server_name", config::value::scalar(s));
  if (auto u = env("PARLEY_MATRIX_USER"); !u.empty()) v.set("user", config::value::scalar(u));
  if (auto u = env("PARLEY_MATRIX_USER_ID"); !u.empty()) v.set("user_id", config::value::scalar(u));
  // A real server limits room creation (Synapse: 2, then one per ~45 s), so
  // every topic shares one room unless told otherwise.
  auto shared = env("PARLEY_MATRIX_SHARED_ROOM");
  if (shared != "none") v.set("shared_room", config::value::scalar(shared.empty() ? "parley_conformance" : shared));
  v.set("sync_timeout_ms", config::value::scalar("5000"));
  std::vector<config::problem> problems;
  auto cfg = matrix_config::parse(v, problems);  // the password or token from the environment
  if (!problems.empty()) FAIL("bad live Matrix configuration: " << problems.front().message);
  return cfg;
}

live_matrix_harness::live_matrix_harness() : matrix_harness(*live_config()) {}

}  // namespace parley::matrix::testing
