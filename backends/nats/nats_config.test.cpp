#include "backends/nats/nats_config.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/support/temp_dir.hpp"

using parley::config::value;
using parley::nats::nats_config;

namespace {

/// Points XDG_CONFIG_HOME at a temp dir holding NATS CLI context files.
struct context_dir {
  parley::testing::temp_dir dir;
  std::string old;
  bool had_old = false;
  context_dir() {
    if (const char* o = std::getenv("XDG_CONFIG_HOME")) {
      old = o;
      had_old = true;
    }
    std::filesystem::create_directories(dir.path() / "nats" / "context");
    setenv("XDG_CONFIG_HOME", dir.path().c_str(), 1);
  }
  ~context_dir() {
    if (had_old)
      setenv("XDG_CONFIG_HOME", old.c_str(), 1);
    else
      unsetenv("XDG_CONFIG_HOME");
  }
  void write(const std::string& name, const std::string& json) {
    std::ofstream(dir.path() / "nats" / "context" / (name + ".json")) << json;
  }
};

nats_config parse(const value& v, std::vector<parley::config::problem>& problems) {
  return nats_config::parse(v, problems);
}

}  // namespace

TEST_CASE("nats config: the original's keys and defaults") {
  std::vector<parley::config::problem> problems;
  const value empty;
  auto cfg = parse(empty, problems);
  CHECK(problems.empty());
  CHECK(cfg.connection.servers == std::vector<std::string>{"127.0.0.1:4222"});
  CHECK(cfg.subject_prefix == "parley.");
  CHECK(cfg.stream_prefix == "PARLEY_");
  CHECK_FALSE(cfg.retention_days.has_value());
  value list = value::map();
  value servers = value::list();
  servers.push_back(value::scalar("nats://a:4222"));
  servers.push_back(value::scalar("nats://b:4222,nats://c:4222"));
  list.set("servers", servers);
  CHECK(parse(list, problems).connection.servers ==
        std::vector<std::string>{"nats://a:4222", "nats://b:4222", "nats://c:4222"});
}

TEST_CASE("nats config: a NATS CLI context supplies url and credentials; keys beside it win") {
  context_dir ctx;
  ctx.write("prod", R"({"url":"nats://n1:4222,nats://n2:4222","user":"alice","password":"s3cret","creds":"/etc/nats/a.creds","ca":"/etc/nats/ca.pem"})");
  value v = value::map();
  v.set("context", value::scalar("prod"));
  std::vector<parley::config::problem> problems;
  auto cfg = parse(v, problems);
  REQUIRE(problems.empty());
  CHECK(cfg.connection.servers == std::vector<std::string>{"nats://n1:4222", "nats://n2:4222"});
  CHECK(cfg.connection.user == std::optional<std::string>("alice"));
  CHECK(cfg.connection.password == std::optional<std::string>("s3cret"));
  CHECK(cfg.connection.creds == std::optional<std::string>("/etc/nats/a.creds"));
  CHECK(cfg.connection.tls_ca == std::optional<std::string>("/etc/nats/ca.pem"));
  v.set("servers", value::scalar("nats://override:4222"));
  CHECK(parse(v, problems).connection.servers == std::vector<std::string>{"nats://override:4222"});
}

TEST_CASE("nats config: a missing or nkey context and bad keys are reported with their path") {
  context_dir ctx;
  ctx.write("nk", R"({"url":"nats://x:4222","nkey":"/seed.nk"})");
  for (const char* name : {"absent", "nk", "../escape"}) {
    value v = value::map();
    v.set("context", value::scalar(name));
    std::vector<parley::config::problem> problems;
    (void)parse(v, problems);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].path == "backend_config.context");
  }
  value bad = value::map();
  bad.set("stream_prefix", value::scalar("A.B"));
  bad.set("subjet_prefix", value::scalar("x."));
  std::vector<parley::config::problem> problems;
  (void)parse(bad, problems);
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].path == "backend_config.stream_prefix");
  CHECK(problems[1].path == "backend_config.subjet_prefix");
}
