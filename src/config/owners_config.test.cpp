#include "src/config/owners_config.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>

#include "src/config/parley_config.hpp"
#include "tests/support/temp_dir.hpp"

using parley::config::problem;
using parley::config::value;

namespace {

const std::string k_hash =
    "scrypt$AQEBAQEBAQEBAQEBAQEBAQ==$wVBLrW4J7bxgwYyJPgoCBHRHgBNSza0rZAmCjZrqBF4=";

value topics(std::vector<std::string> names) {
  value t = value::list();
  for (auto& s : names) t.push_back(value::scalar(s));
  return t;
}

value flat_profile(const std::string& handle) {
  value p = value::map();
  p.set("handle", value::scalar(handle));
  p.set("topics", topics({"ctx"}));
  return p;
}

value owner(value profiles) {
  value o = value::map();
  o.set("secret_hash", value::scalar(k_hash));
  o.set("profiles", std::move(profiles));
  return o;
}

bool has_problem(const std::vector<problem>& problems, const std::string& path) {
  return std::any_of(problems.begin(), problems.end(),
                     [&](const problem& p) { return p.path == path; });
}

}  // namespace

TEST_CASE("owners config: flat and gateway-style profiles, defaults", "[oauth]") {
  value profiles = value::map();
  value web = flat_profile("alice-web");
  web.set("live_push", value::scalar("false"));
  web.set("mention_filter", value::scalar("true"));
  web.set("presence", value::scalar("false"));
  profiles.set("web", web);
  value code = value::map();
  value id = value::map();
  id.set("handle", value::scalar("alice-code"));
  code.set("identity", id);
  code.set("topics", topics({"ctx", "build"}));
  value lp = value::map();
  lp.set("echo_own_posts", value::scalar("true"));
  code.set("live_push", lp);
  profiles.set("code", code);
  value alice = owner(profiles);
  alice.set("namespace", value::scalar("alice"));
  alice.set("max_sessions", value::scalar("5"));
  value owners = value::map();
  owners.set("alice", alice);
  owners.set("bob", owner([] {
               value p = value::map();
               p.set("default", flat_profile("bob"));
               return p;
             }()));

  std::vector<problem> problems;
  auto out = parley::parse_owners_config(owners, "parley-presence", problems);
  for (const auto& p : problems) UNSCOPED_INFO(p.path << ": " << p.message);
  REQUIRE(problems.empty());
  REQUIRE(out.size() == 2);
  const auto* a = parley::find_owner(out, "alice");
  REQUIRE(a);
  CHECK(a->secret_hash == k_hash);
  CHECK(a->topic_namespace == "alice");
  CHECK(a->max_sessions == 5);
  CHECK(a->rate_per_min == 600);
  const auto* w = parley::find_profile(*a, "web");
  REQUIRE(w);
  CHECK(w->handle == "alice-web");
  CHECK_FALSE(w->live_push);
  CHECK(w->mention_filter);
  CHECK_FALSE(w->presence);
  const auto* c = parley::find_profile(*a, "code");
  REQUIRE(c);
  CHECK(c->handle == "alice-code");
  CHECK(c->echo_own_posts);
  CHECK(c->topics.size() == 2);
  const auto* b = parley::find_owner(out, "bob");
  REQUIRE(b);
  CHECK(b->max_sessions == 100);
  CHECK(b->topic_namespace.empty());
  CHECK_FALSE(parley::find_owner(out, "carol"));
  CHECK_FALSE(parley::find_profile(*b, "web"));
}

TEST_CASE("owners config: problems carry owners.<name> paths", "[oauth]") {
  value owners = value::map();
  value bad = value::map();
  bad.set("secret_hash", value::scalar("plain-text"));
  bad.set("namespace", value::scalar("a.b"));
  bad.set("max_sessions", value::scalar("0"));
  bad.set("rate_per_min", value::scalar("-1"));
  bad.set("colour", value::scalar("red"));
  value profiles = value::map();
  value noh = value::map();
  noh.set("topics", topics({"parley-presence"}));
  noh.set("wat", value::scalar("1"));
  profiles.set("web", noh);
  bad.set("profiles", profiles);
  owners.set("alice", bad);
  owners.set("bad name", owner([] {
               value p = value::map();
               p.set("default", flat_profile("x"));
               return p;
             }()));
  value empty = value::map();
  empty.set("secret_hash", value::scalar(k_hash));
  empty.set("profiles", value::map());
  owners.set("carol", empty);
  value nohash = value::map();
  value p2 = value::map();
  p2.set("default", flat_profile("d"));
  nohash.set("profiles", p2);
  owners.set("dave", nohash);

  std::vector<problem> problems;
  (void)parley::parse_owners_config(owners, "parley-presence", problems);
  for (const auto& p : problems) UNSCOPED_INFO(p.path << ": " << p.message);
  CHECK(has_problem(problems, "owners.alice.secret_hash"));
  CHECK(has_problem(problems, "owners.alice.namespace"));
  CHECK(has_problem(problems, "owners.alice.max_sessions"));
  CHECK(has_problem(problems, "owners.alice.rate_per_min"));
  CHECK(has_problem(problems, "owners.alice.colour"));
  CHECK(has_problem(problems, "owners.alice.profiles.web.handle"));
  CHECK(has_problem(problems, "owners.alice.profiles.web.topics"));
  CHECK(has_problem(problems, "owners.alice.profiles.web.wat"));
  CHECK(has_problem(problems, "owners.bad name"));
  CHECK(has_problem(problems, "owners.carol.profiles"));
  CHECK(has_problem(problems, "owners.dave.secret_hash"));
}

TEST_CASE("owners config: absent is none, a non-map is a problem", "[oauth]") {
  std::vector<problem> problems;
  CHECK(parley::parse_owners_config(value(), "parley-presence", problems).empty());
  CHECK(problems.empty());
  (void)parley::parse_owners_config(value::scalar("x"), "parley-presence", problems);
  CHECK(has_problem(problems, "owners"));
}

TEST_CASE("owners config: the commented example in config/parley.example.yaml parses", "[oauth]") {
  std::ifstream in(std::string(PARLEY_SOURCE_DIR) + "/config/parley.example.yaml");
  REQUIRE(in);
  std::string line;
  std::string block;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line == "#owners:") inside = true;
    if (!inside) continue;
    if (line.empty()) break;
    block += line.substr(1) + "\n";  // uncomment
  }
  REQUIRE_FALSE(block.empty());
  parley::testing::temp_dir dir;
  {
    std::ofstream out(dir.file("owners.yaml"));
    out << block;
  }
  auto tree = parley::read_yaml_file(dir.file("owners.yaml"));
  REQUIRE(tree);
  std::vector<problem> problems;
  auto owners = parley::parse_owners_config(*tree->find("owners"), "parley-presence", problems);
  for (const auto& p : problems) UNSCOPED_INFO(p.path << ": " << p.message);
  CHECK(problems.empty());
  REQUIRE(owners.size() == 1);
  CHECK(owners[0].topic_namespace == "alice");
  REQUIRE(owners[0].profiles.size() == 1);
  CHECK(owners[0].profiles[0].handle == "alice");
}

TEST_CASE("owners config: a gateway config of owners alone needs no top-level identity",
          "[oauth]") {
  parley::testing::temp_dir dir;
  {
    std::ofstream out(dir.file("parley.yaml"));
    out << "owners:\n  alice:\n    secret_hash: \"" << k_hash
        << "\"\n    profiles:\n      default: {handle: alice, topics: [general]}\n";
  }
  auto cfg = parley::load_config(dir.file("parley.yaml"));
  if (!cfg) FAIL(cfg.error().message);
  REQUIRE(cfg->owners.size() == 1);
  CHECK(cfg->owners[0].profiles[0].topics == std::vector<std::string>{"general"});
  {
    std::ofstream out(dir.file("bad.yaml"));
    out << "owners:\n  alice:\n    secret_hash: nope\n    profiles:\n      default: {handle: "
           "alice, topics: [g]}\n";
  }
  auto bad = parley::load_config(dir.file("bad.yaml"));
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("owners.alice.secret_hash:") != std::string::npos);
}
