#include "src/nats_client/connection_settings.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/support/temp_dir.hpp"

using parley::nats::read_context;

TEST_CASE("nats client: read_context reads a NATS CLI context and refuses what it cannot use") {
  parley::testing::temp_dir home;
  const auto dir = home.path() / "nats" / "context";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "dev.json") << R"({"url":"nats://a:4222, nats://b:4222","token":"t0k","cert":"/c.pem","key":"/k.pem","user":""})";
  std::ofstream(dir / "nk.json") << R"({"url":"nats://x:4222","nkey":"/seed.nk"})";
  std::ofstream(dir / "junk.json") << "[1,2]";
  const char* old = std::getenv("XDG_CONFIG_HOME");
  const std::string saved = old ? old : "";
  setenv("XDG_CONFIG_HOME", home.path().c_str(), 1);

  auto dev = read_context("dev");
  REQUIRE(dev);
  CHECK(dev->servers == std::vector<std::string>{"nats://a:4222", "nats://b:4222"});
  CHECK(dev->token == std::optional<std::string>("t0k"));
  CHECK(dev->tls_cert == std::optional<std::string>("/c.pem"));
  CHECK(dev->tls_key == std::optional<std::string>("/k.pem"));
  CHECK_FALSE(dev->user.has_value());  // empty is absent
  for (const char* name : {"nk", "junk", "absent", "../dev", ""}) {
    auto r = read_context(name);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == parley::errc::invalid_config);
  }

  if (old)
    setenv("XDG_CONFIG_HOME", saved.c_str(), 1);
  else
    unsetenv("XDG_CONFIG_HOME");
}
