#include "src/config/parley_config.hpp"

#include <fstream>

#include <catch2/catch.hpp>

#include "tests/support/temp_dir.hpp"

using parley::errc;
using parley::load_config;
using parley::parley_config;
using parley::parse_config;
using parley::read_yaml_file;
using parley::config::problem;
using parley::config::value;

namespace {

std::string write_file(const parley::testing::temp_dir& dir, const std::string& name,
                       const std::string& text) {
  std::string path = dir.file(name);
  std::ofstream(path) << text;
  return path;
}

/// Parses YAML text the way load_config does, keeping the problems.
parley_config parse_yaml(const std::string& yaml, std::vector<problem>& problems,
                         const std::string& config_dir = "/etc/parley") {
  parley::testing::temp_dir dir;
  auto tree = read_yaml_file(write_file(dir, "parley.yaml", yaml));
  REQUIRE(tree.has_value());
  return parse_config(*tree, config_dir, problems);
}

const std::string minimal = "identity:\n  handle: alice\ntopics: [general]\n";

/// "path: message" of every problem, for compact assertions.
std::vector<std::string> lines(const std::vector<problem>& problems) {
  std::vector<std::string> out;
  for (const auto& p : problems) out.push_back(p.path + ": " + p.message);
  return out;
}

}  // namespace

TEST_CASE("config: a minimal file takes every default") {
  std::vector<problem> problems;
  parley_config cfg = parse_yaml(minimal, problems);
  REQUIRE(problems.empty());
  CHECK(cfg.backend == "sqlite");
  CHECK_FALSE(cfg.instance_id.has_value());
  CHECK_FALSE(cfg.state_path.has_value());
  CHECK(cfg.handle == "alice");
  CHECK(cfg.topics == std::vector<std::string>{"general"});
  CHECK(cfg.post_topics.empty());
  CHECK(cfg.catchup.on_start);
  CHECK(cfg.catchup.limit == 100);
  CHECK(cfg.catchup.block_max_ms == 60'000);
  CHECK(cfg.catchup.block_poll_interval_ms == 250);
  CHECK_FALSE(cfg.live_push.enabled);
  CHECK_FALSE(cfg.live_push.mention_filter);
  CHECK_FALSE(cfg.live_push.echo_own_posts);
  CHECK(cfg.presence.enabled);
  CHECK(cfg.presence.topic == "parley-presence");
  CHECK(cfg.presence.heartbeat_ms == 600'000);
  CHECK(cfg.presence.ttl_ms == 1'800'000);
  CHECK_FALSE(cfg.permissions.skip_permissions);
  CHECK_FALSE(cfg.permissions.relay_topic.has_value());
  CHECK(cfg.permissions.approvers.empty());
  CHECK(cfg.permissions.timeout_ms == 300'000);
  CHECK(cfg.auth.mode == "builtin");
  CHECK_FALSE(cfg.auth.oidc.has_value());
  CHECK(cfg.stdio.max_line_bytes == 4'194'304);
  CHECK(cfg.config_dir == "/etc/parley");
  REQUIRE(cfg.backend_config.is_map());
  REQUIRE(cfg.backend_config.find("db_path"));
  CHECK(cfg.backend_config.find("db_path")->text() == "/etc/parley/parley.db");
}

TEST_CASE("config: every key is read, nested sections may be partial") {
  std::vector<problem> problems;
  parley_config cfg = parse_yaml(R"(
backend: local-sqlite
instance_id: alice-laptop
state_path: /var/lib/parley/state.json
identity: {handle: alice}
topics: [general, ops]
post_topics: ['t-\d+', 'ctx-.*']
catchup: {on_start: false, limit: 5, block_max_ms: 0, block_poll_interval_ms: 10}
live_push: {enabled: true, mention_filter: true, echo_own_posts: true}
presence: {enabled: false, topic: roster, heartbeat_ms: 1000}
permissions:
  skip_permissions: true
  relay_topic: approvals
  approvers: [bob, carol]
  timeout_ms: 5000
auth:
  mode: oidc
  oidc:
    issuer: https://kc.example.com/realms/r
    audience: https://parley.example.com/mcp
    jwks_uri: https://kc.example.com/certs
    required_scope: parley
    allowed_subjects: [s1]
    allowed_usernames: [alice]
    required_role: parley-user
    clock_skew_s: 0
stdio: {max_line_bytes: 1024}
backend_config: {db_path: shared.db, poll_interval_ms: 50}
)",
                                 problems);
  REQUIRE(lines(problems).empty());
  CHECK(cfg.backend == "local-sqlite");
  CHECK(cfg.instance_id == "alice-laptop");
  CHECK(cfg.state_path == "/var/lib/parley/state.json");
  CHECK(cfg.topics == std::vector<std::string>{"general", "ops"});
  CHECK(cfg.post_topics == std::vector<std::string>{"t-\\d+", "ctx-.*"});
  CHECK_FALSE(cfg.catchup.on_start);
  CHECK(cfg.catchup.limit == 5);
  CHECK(cfg.catchup.block_max_ms == 0);
  CHECK(cfg.catchup.block_poll_interval_ms == 10);
  CHECK(cfg.live_push.enabled);
  CHECK(cfg.live_push.mention_filter);
  CHECK(cfg.live_push.echo_own_posts);
  CHECK_FALSE(cfg.presence.enabled);
  CHECK(cfg.presence.topic == "roster");
  CHECK(cfg.presence.heartbeat_ms == 1000);
  CHECK(cfg.presence.ttl_ms == 3000);  // 3 × heartbeat when not pinned
  CHECK(cfg.permissions.skip_permissions);
  CHECK(cfg.permissions.relay_topic == "approvals");
  CHECK(cfg.permissions.approvers == std::vector<std::string>{"bob", "carol"});
  CHECK(cfg.permissions.timeout_ms == 5000);
  CHECK(cfg.auth.mode == "oidc");
  REQUIRE(cfg.auth.oidc.has_value());
  CHECK(cfg.auth.oidc->issuer == "https://kc.example.com/realms/r");
  CHECK(cfg.auth.oidc->audience == "https://parley.example.com/mcp");
  CHECK(cfg.auth.oidc->jwks_uri == "https://kc.example.com/certs");
  CHECK(cfg.auth.oidc->required_scope == "parley");
  CHECK(cfg.auth.oidc->allowed_subjects == std::vector<std::string>{"s1"});
  CHECK(cfg.auth.oidc->allowed_usernames == std::vector<std::string>{"alice"});
  CHECK(cfg.auth.oidc->required_role == "parley-user");
  CHECK(cfg.auth.oidc->clock_skew_s == 0);
  CHECK(cfg.stdio.max_line_bytes == 1024);
  // Verbatim, in file order, and no db_path default once `backend:` is given.
  REQUIRE(cfg.backend_config.entries().size() == 2);
  CHECK(cfg.backend_config.entries()[0].first == "db_path");
  CHECK(cfg.backend_config.find("db_path")->text() == "shared.db");
  CHECK(cfg.backend_config.find("poll_interval_ms")->text() == "50");
}

TEST_CASE("config: unknown keys are reported with their full path") {
  std::vector<problem> problems;
  (void)parse_yaml(minimal + R"(
live_push: {enabeld: true}
presense: {enabled: false}
auth: {oidc: {issuer: 'https://x', allowed_subjects: [a], scopes: x}}
identity_x: 1
)",
                   problems);
  CHECK(lines(problems) == std::vector<std::string>{
                               "live_push.enabeld: unknown key",
                               "auth.oidc.scopes: unknown key",
                               "presense: unknown key",
                               "identity_x: unknown key",
                           });
}

TEST_CASE("config: identity.handle and topics are required") {
  std::vector<problem> problems;
  (void)parse_config(value(), "/x", problems);
  CHECK(lines(problems) ==
        std::vector<std::string>{"identity.handle: is required",
                                 "topics: is required: list at least one topic"});

  problems.clear();
  (void)parse_yaml("identity: {handle: ''}\ntopics: []\n", problems);
  CHECK(lines(problems) == std::vector<std::string>{"identity.handle: must not be empty",
                                                    "topics: must list at least one topic"});

  problems.clear();
  (void)parse_yaml("identity: {handle: a}\ntopics: [x, '', [y]]\n", problems);
  CHECK(lines(problems) == std::vector<std::string>{"topics[2]: expected a string"});

  problems.clear();
  (void)parse_yaml("identity: {handle: a}\ntopics: [x, '']\n", problems);
  CHECK(lines(problems) == std::vector<std::string>{"topics[1]: must not be empty"});

  problems.clear();
  (void)parse_yaml("identity: alice\ntopics: x\n", problems);
  CHECK(lines(problems) ==
        std::vector<std::string>{"identity: expected a mapping of keys to values",
                                 "topics: expected a list of strings"});
}

TEST_CASE("config: topics must not include the presence topic") {
  std::vector<problem> problems;
  (void)parse_yaml("identity: {handle: a}\ntopics: [general, parley-presence]\n", problems);
  CHECK(lines(problems) ==
        std::vector<std::string>{"topics: \"parley-presence\" is reserved for presence "
                                 "(presence.topic); rename the topic or change presence.topic"});

  problems.clear();
  (void)parse_yaml(
      "identity: {handle: a}\ntopics: [general, parley-presence]\n"
      "presence: {topic: 'who\"s'}\n",
      problems);
  CHECK(problems.empty());  // the default name is free once presence moved

  problems.clear();
  (void)parse_yaml("identity: {handle: a}\ntopics: ['who\"s']\npresence: {topic: 'who\"s'}\n",
                   problems);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].message.rfind("\"who\\\"s\" is reserved for presence", 0) == 0);
}

TEST_CASE("config: post_topics must compile as regexes") {
  std::vector<problem> problems;
  parley_config cfg = parse_yaml(minimal + "post_topics: ['ok-.*', '', '.*']\n", problems);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].path == "post_topics[1]");
  CHECK(problems[0].message == "must not be empty");

  problems.clear();
  cfg = parse_yaml(minimal + "post_topics: ['ok-.*', 'bad(', 'a)|(b', '.*']\n", problems);
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].path == "post_topics[1]");
  CHECK(problems[0].message.rfind("invalid regex: ", 0) == 0);
  CHECK(problems[1].path == "post_topics[2]");
  // A pattern that could match the presence topic is the runtime guard's job.
  CHECK(cfg.post_topics.size() == 4);
}

TEST_CASE("config: presence.ttl_ms defaults to 3x heartbeat and may not undercut it") {
  std::vector<problem> problems;
  parley_config cfg = parse_yaml(minimal + "presence: {heartbeat_ms: 2000}\n", problems);
  CHECK(problems.empty());
  CHECK(cfg.presence.ttl_ms == 6000);

  cfg = parse_yaml(minimal + "presence: {heartbeat_ms: 2000, ttl_ms: 2000}\n", problems);
  CHECK(problems.empty());
  CHECK(cfg.presence.ttl_ms == 2000);

  (void)parse_yaml(minimal + "presence: {ttl_ms: 1000}\n", problems);
  CHECK(lines(problems) == std::vector<std::string>{
                               "presence.ttl_ms: presence.ttl_ms must be >= "
                               "presence.heartbeat_ms; peers would appear offline between beats"});

  problems.clear();
  (void)parse_yaml(minimal + "presence: {heartbeat_ms: 0, topic: ''}\n", problems);
  CHECK(lines(problems) ==
        std::vector<std::string>{"presence.topic: must not be empty",
                                 "presence.heartbeat_ms: must be between 1 and 2147483647, got 0"});
}

TEST_CASE("config: integers refuse quoted strings and floats, booleans take only true/false") {
  std::vector<problem> problems;
  (void)parse_yaml(minimal + R"(
catchup: {limit: "5", block_max_ms: 1.5, block_poll_interval_ms: 0, on_start: yes}
live_push: {enabled: 'true', mention_filter: 1}
)",
                   problems);
  CHECK(lines(problems) == std::vector<std::string>{
                               "catchup.on_start: expected true or false, got 'yes'",
                               "catchup.limit: expected an integer, got '5'",
                               "catchup.block_max_ms: expected an integer, got '1.5'",
                               "catchup.block_poll_interval_ms: must be between 1 and 2147483647, "
                               "got 0",
                               "live_push.enabled: expected true or false, got 'true'",
                               "live_push.mention_filter: expected true or false, got '1'",
                           });

  problems.clear();
  (void)parse_yaml(minimal + "catchup: {block_max_ms: -1}\nstdio: {max_line_bytes: 1023}\n",
                   problems);
  CHECK(lines(problems) ==
        std::vector<std::string>{
            "catchup.block_max_ms: must be between 0 and 2147483647, got -1",
            "stdio.max_line_bytes: must be between 1024 and 1073741824, got 1023",
        });

  problems.clear();
  parley_config cfg = parse_yaml(minimal + "stdio: {max_line_bytes: 1073741824}\n", problems);
  CHECK(problems.empty());
  CHECK(cfg.stdio.max_line_bytes == 1'073'741'824);
}

TEST_CASE("config: the permission relay needs approvers and its own topic") {
  std::vector<problem> problems;
  (void)parse_yaml(minimal + "permissions: {relay_topic: approvals}\n", problems);
  CHECK(lines(problems) == std::vector<std::string>{
                               "permissions.approvers: permissions.relay_topic needs at least one "
                               "approver (permissions.approvers)"});

  problems.clear();
  (void)parse_yaml(minimal + "permissions: {relay_topic: approvals, approvers: []}\n", problems);
  CHECK(problems.size() == 1);

  problems.clear();
  (void)parse_yaml(
      minimal +
          "permissions: {relay_topic: parley-presence, approvers: [bob, ''], timeout_ms: 0}\n",
      problems);
  CHECK(lines(problems) == std::vector<std::string>{
                               "permissions.approvers[1]: must not be empty",
                               "permissions.timeout_ms: must be between 1 and 2147483647, got 0",
                               "permissions.relay_topic: \"parley-presence\" is reserved for "
                               "presence (presence.topic); choose another permissions.relay_topic "
                               "or change presence.topic"});

  problems.clear();
  parley_config cfg =
      parse_yaml(minimal + "permissions: {relay_topic: '', approvers: [bob]}\n", problems);
  CHECK(lines(problems) == std::vector<std::string>{"permissions.relay_topic: must not be empty"});

  // Approvers alone are harmless: no relay, no capability.
  problems.clear();
  cfg = parse_yaml(minimal + "permissions: {approvers: [bob]}\n", problems);
  CHECK(problems.empty());
  CHECK_FALSE(cfg.permissions.relay_topic.has_value());
}

TEST_CASE("config: auth.oidc rules") {
  auto check = [](const std::string& auth, std::vector<std::string> expected) {
    std::vector<problem> problems;
    (void)parse_yaml(minimal + auth, problems);
    CHECK(lines(problems) == expected);
  };
  const std::string gate =
      "auth.oidc: auth.mode \"oidc\" requires an identity gate: set at least one of "
      "allowed_subjects / allowed_usernames / required_role to preserve the single-tenant posture "
      "(required_scope alone is not sufficient).";

  check("auth: {mode: oidc}\n", {"auth.oidc: auth.mode \"oidc\" requires an auth.oidc block"});
  check("auth: {mode: saml}\n", {"auth.mode: must be \"builtin\" or \"oidc\", got 'saml'"});
  check("auth: {mode: oidc, oidc: {issuer: 'https://kc', required_scope: s}}\n", {gate});
  check("auth: {mode: oidc, oidc: {issuer: 'https://kc', allowed_subjects: []}}\n",
        {"auth.oidc.allowed_subjects: must list at least one value (or leave the key out)"});
  check("auth: {mode: oidc, oidc: {issuer: 'https://kc', allowed_usernames: ['']}}\n",
        {"auth.oidc.allowed_usernames[0]: must not be empty"});
  check("auth: {mode: oidc, oidc: {issuer: 'https://kc', required_role: ''}}\n",
        {"auth.oidc.required_role: must not be empty"});
  check("auth: {mode: oidc, oidc: {required_role: r}}\n", {"auth.oidc.issuer: is required"});
  check("auth: {mode: oidc, oidc: {issuer: 'http://kc.example.com', required_role: r}}\n",
        {"auth.oidc.issuer: auth.oidc.issuer must use https (the JWKS trust root depends on TLS)"});
  check("auth: {mode: oidc, oidc: {issuer: 'not a url', required_role: r}}\n",
        {"auth.oidc.issuer: expected a URL, got 'not a url'"});
  check("auth: {mode: oidc, oidc: {issuer: 'https://', required_role: r}}\n",
        {"auth.oidc.issuer: expected a URL, got 'https://'"});
  check("auth: {mode: oidc, oidc: {issuer: 'https://kc', jwks_uri: '/certs', required_role: r}}\n",
        {"auth.oidc.jwks_uri: expected a URL, got '/certs'"});
  check("auth: {mode: oidc, oidc: {issuer: 'https://kc', required_role: r, clock_skew_s: 301}}\n",
        {"auth.oidc.clock_skew_s: must be between 0 and 300, got 301"});
  check("auth: {mode: oidc, oidc: {issuer: 'https://kc', required_role: r, audience: ''}}\n",
        {"auth.oidc.audience: must not be empty"});
  // Loopback test and dev identity providers may use http.
  check("auth: {mode: oidc, oidc: {issuer: 'http://127.0.0.1:8080/realms/r', required_role: r}}\n",
        {});
  check("auth: {mode: oidc, oidc: {issuer: 'http://LocalHost:8080', allowed_usernames: [a]}}\n",
        {});
  check(
      "auth: {mode: oidc, oidc: {issuer: 'https://user@kc.example.com:8443/r?x#y', "
      "allowed_subjects: [a]}}\n",
      {});
  // The block is validated in builtin mode too, but needs no gate there.
  check("auth: {oidc: {issuer: 'http://kc.example.com'}}\n",
        {"auth.oidc.issuer: auth.oidc.issuer must use https (the JWKS trust root depends on TLS)"});
  check("auth: {oidc: {issuer: 'https://kc.example.com'}}\n", {});

  std::vector<problem> problems;
  parley_config cfg = parse_yaml(minimal +
                                     "auth: {mode: oidc, oidc: {issuer: 'https://kc', "
                                     "required_role: r}}\n",
                                 problems);
  REQUIRE(cfg.auth.oidc.has_value());
  CHECK(cfg.auth.oidc->clock_skew_s == 30);
  CHECK_FALSE(cfg.auth.oidc->audience.has_value());
  CHECK_FALSE(cfg.auth.oidc->jwks_uri.has_value());
}

TEST_CASE("config: backend_config is verbatim; db_path defaults beside the config") {
  std::vector<problem> problems;
  // `backend:` absent: SQLite, its file beside the config.
  parley_config cfg =
      parse_yaml(minimal + "backend_config: {poll_interval_ms: 10, x: [1]}\n", problems, "/srv/p");
  CHECK(problems.empty());
  CHECK(cfg.backend == "sqlite");
  CHECK(cfg.backend_config.find("db_path")->text() == "/srv/p/parley.db");
  CHECK(cfg.backend_config.find("x")->is_list());  // unknown to core, kept for the backend

  cfg = parse_yaml(minimal + "backend_config: {db_path: ~}\n", problems, "/srv/p");
  CHECK(cfg.backend_config.find("db_path")->text() == "/srv/p/parley.db");

  cfg = parse_yaml(minimal + "backend_config: {db_path: /data/x.db}\n", problems, "/srv/p");
  CHECK(cfg.backend_config.find("db_path")->text() == "/data/x.db");

  // An explicit backend (even the original's sqlite alias) keeps its own default.
  cfg = parse_yaml(minimal + "backend: local-sqlite\n", problems, "/srv/p");
  CHECK(cfg.backend == "local-sqlite");
  CHECK(cfg.backend_config.is_map());
  CHECK(cfg.backend_config.find("db_path") == nullptr);
  CHECK(problems.empty());

  (void)parse_yaml(minimal + "backend_config: [a]\nbackend: ''\n", problems);
  CHECK(lines(problems) ==
        std::vector<std::string>{"backend: must not be empty",
                                 "backend_config: expected a mapping of keys to values"});
}

TEST_CASE("config: load_config lists one problem per line and finds the config dir") {
  parley::testing::temp_dir dir;
  std::string path = write_file(dir, "parley.yaml", "identity: {}\ntopics: [a]\ntypo: 1\n");
  auto bad = load_config(path);
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code == errc::invalid_config);
  CHECK(bad.error().message ==
        "invalid config " + path + ":\nidentity.handle: is required\ntypo: unknown key");

  auto missing = load_config(dir.file("absent.yaml"));
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == errc::io_error);
  CHECK_THAT(missing.error().message, Catch::Contains(dir.file("absent.yaml")));

  std::filesystem::create_directory(dir.path() / "sub");
  (void)write_file(dir, "sub/parley.yaml", minimal);
  auto cfg = load_config(dir.file("sub/../sub/./parley.yaml"));
  REQUIRE(cfg.has_value());
  CHECK(cfg->config_dir == (dir.path() / "sub").string());
  CHECK(cfg->backend_config.find("db_path")->text() == (dir.path() / "sub" / "parley.db").string());
}

TEST_CASE("config: the example config loads without problems") {
  auto cfg = load_config(std::string(PARLEY_SOURCE_DIR) + "/config/parley.example.yaml");
  INFO((cfg.has_value() ? std::string() : cfg.error().message));
  REQUIRE(cfg.has_value());
  CHECK_FALSE(cfg->handle.empty());
  CHECK_FALSE(cfg->topics.empty());
  CHECK(cfg->live_push.enabled);
  CHECK(cfg->backend == "sqlite");
  CHECK(cfg->backend_config.find("db_path")->text() ==
        std::string(PARLEY_SOURCE_DIR) + "/config/parley.db");
}
