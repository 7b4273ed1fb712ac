#include "src/oauth/grant_store.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <atomic>
#include <thread>

#include "src/oauth/crypto.hpp"
#include "tests/support/temp_dir.hpp"

using namespace parley::oauth;
using parley::sha256_hex;

namespace {

std::unique_ptr<grant_store> open_store(const std::string& path, grant_store_options options = {}) {
  auto s = grant_store::open(path, options);
  if (!s) FAIL(s.error().message);
  return std::move(*s);
}

client_record client(const std::string& id, std::int64_t issued_at) {
  client_record c;
  c.client_id = id;
  c.auth_method = "none";
  c.redirect_uris = {"https://a.example/cb", "http://127.0.0.1:9/cb"};
  c.client_name = "A";
  c.metadata_json = R"("client_name":"A")";
  c.issued_at = issued_at;
  return c;
}

token_grant grant(const std::string& family, std::int64_t expires_at) {
  token_grant g;
  g.family_id = family;
  g.owner = "alice";
  g.profile = "default";
  g.client_id = "c1";
  g.scopes = {"mcp"};
  g.resource = "https://p.example/mcp";
  g.expires_at = expires_at;
  return g;
}

refresh_exchange refresh_with(const std::string& old_token, std::int64_t now) {
  refresh_exchange x;
  x.refresh_token = old_token;
  x.client_id = "c1";
  x.now = now;
  x.new_access_token = random_token();
  x.new_refresh_token = random_token();
  x.access_expires_at = now + 3600;
  x.refresh_expires_at = now + 86400;
  return x;
}

}  // namespace

TEST_CASE("grant store: clients round-trip, oldest evicted beyond the cap", "[oauth]") {
  parley::testing::temp_dir dir;
  auto store = open_store(dir.file("state.db"), {3, 100});
  for (int i = 0; i < 5; ++i) REQUIRE(store->add_client(client("c" + std::to_string(i), 100 + i)));
  CHECK(*store->client_count() == 3);
  CHECK_FALSE(store->find_client("c0")->has_value());
  CHECK_FALSE(store->find_client("c1")->has_value());
  auto c4 = store->find_client("c4");
  REQUIRE(c4);
  REQUIRE(c4->has_value());
  CHECK((*c4)->redirect_uris ==
        std::vector<std::string>{"https://a.example/cb", "http://127.0.0.1:9/cb"});
  CHECK((*c4)->issued_at == 104);
  CHECK((*c4)->metadata_json == R"("client_name":"A")");
}

TEST_CASE("grant store: codes are single-use and stored hashed", "[oauth]") {
  parley::testing::temp_dir dir;
  auto store = open_store(dir.file("state.db"));
  code_grant g;
  g.client_id = "c1";
  g.redirect_uri = "https://a.example/cb";
  g.code_challenge = "x";
  g.owner = "alice";
  g.profile = "web";
  g.scopes = {"mcp"};
  g.resource = "https://p.example/mcp";
  g.expires_at = 160;
  const std::string code = random_token();
  REQUIRE(store->add_code(code, g));
  auto first = store->take_code(code);
  REQUIRE(first);
  REQUIRE(first->has_value());
  CHECK((*first)->profile == "web");
  CHECK((*first)->scopes == std::vector<std::string>{"mcp"});
  auto second = store->take_code(code);
  REQUIRE(second);
  CHECK_FALSE(second->has_value());

  // Nothing in the file holds the code itself.
  REQUIRE(store->add_code(code, g));
  store.reset();
  std::FILE* f = std::fopen(dir.file("state.db").c_str(), "rb");
  REQUIRE(f);
  std::string bytes;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) bytes.append(buf, n);
  std::fclose(f);
  CHECK(bytes.find(code) == std::string::npos);
  CHECK(bytes.find(sha256_hex(code)) != std::string::npos);
}

TEST_CASE("grant store: refresh rotation, and reuse revokes the family", "[oauth]") {
  parley::testing::temp_dir dir;
  auto store = open_store(dir.file("state.db"));
  const std::string a1 = random_token(), r1 = random_token();
  REQUIRE(store->add_tokens(a1, grant("fam", 1000), r1, grant("fam", 5000)));
  // Another family that must survive.
  const std::string a9 = random_token(), r9 = random_token();
  REQUIRE(store->add_tokens(a9, grant("other", 1000), r9, grant("other", 5000)));

  auto x = refresh_with(r1, 100);
  auto out = store->rotate_refresh(x);
  REQUIRE(out);
  CHECK(out->status == refresh_status::rotated);
  CHECK(out->access.expires_at == 100 + 3600);
  CHECK_FALSE(store->find_access(a1)->has_value());  // the paired access token went with it
  CHECK(store->find_access(x.new_access_token)->has_value());

  // r1 again: someone kept a copy. The whole family goes.
  auto reuse = store->rotate_refresh(refresh_with(r1, 101));
  REQUIRE(reuse);
  CHECK(reuse->status == refresh_status::reused);
  CHECK_FALSE(store->find_access(x.new_access_token)->has_value());
  CHECK(store->rotate_refresh(refresh_with(x.new_refresh_token, 102))->status ==
        refresh_status::invalid);
  CHECK(store->find_access(a9)->has_value());
}

TEST_CASE("grant store: refresh refusals leave the token usable", "[oauth]") {
  parley::testing::temp_dir dir;
  auto store = open_store(dir.file("state.db"));
  const std::string a = random_token(), r = random_token();
  REQUIRE(store->add_tokens(a, grant("fam", 1000), r, grant("fam", 5000)));
  auto wide = refresh_with(r, 100);
  wide.scopes = std::vector<std::string>{"mcp", "admin"};
  CHECK(store->rotate_refresh(wide)->status == refresh_status::scope_exceeded);
  auto other_client = refresh_with(r, 100);
  other_client.client_id = "c2";
  CHECK(store->rotate_refresh(other_client)->status == refresh_status::invalid);
  CHECK(store->rotate_refresh(refresh_with("unknown", 100))->status == refresh_status::invalid);
  CHECK(store->rotate_refresh(refresh_with(r, 5000))->status ==
        refresh_status::invalid);  // expired
  auto narrow = refresh_with(r, 100);
  narrow.scopes = std::vector<std::string>{"mcp"};
  CHECK(store->rotate_refresh(narrow)->status == refresh_status::rotated);
}

TEST_CASE("grant store: revoking a refresh token revokes its family, an access token only itself",
          "[oauth]") {
  parley::testing::temp_dir dir;
  auto store = open_store(dir.file("state.db"));
  const std::string a = random_token(), r = random_token();
  REQUIRE(store->add_tokens(a, grant("fam", 1000), r, grant("fam", 5000)));
  REQUIRE(store->revoke(a));
  CHECK_FALSE(store->find_access(a)->has_value());
  CHECK(store->rotate_refresh(refresh_with(r, 10))->status == refresh_status::rotated);

  const std::string a2 = random_token(), r2 = random_token();
  REQUIRE(store->add_tokens(a2, grant("fam2", 1000), r2, grant("fam2", 5000)));
  REQUIRE(store->revoke(r2));
  CHECK_FALSE(store->find_access(a2)->has_value());
  CHECK(store->rotate_refresh(refresh_with(r2, 10))->status == refresh_status::invalid);
  REQUIRE(store->revoke("never-issued"));
}

TEST_CASE("grant store: a reopened store keeps every grant; sweep drops expired rows", "[oauth]") {
  parley::testing::temp_dir dir;
  const std::string path = dir.file("state.db");
  const std::string a = random_token(), r = random_token(), handle = random_token();
  {
    auto store = open_store(path);
    REQUIRE(store->add_client(client("c1", 1)));
    REQUIRE(store->add_tokens(a, grant("fam", 1000), r, grant("fam", 5000)));
    pending_consent p;
    p.client_id = "c1";
    p.redirect_uri = "https://a.example/cb";
    p.code_challenge = "ch";
    p.scopes = {"mcp"};
    p.resource = "https://p.example/mcp";
    p.csrf_sha256 = sha256_hex("csrf");
    p.expires_at = 300;
    REQUIRE(store->add_pending(handle, p));
  }
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  auto store = open_store(path);
  CHECK(store->find_client("c1")->has_value());
  auto found = store->find_access(a);
  REQUIRE(found->has_value());
  CHECK((*found)->owner == "alice");
  auto pending = store->find_pending(handle);
  REQUIRE(pending->has_value());
  CHECK_FALSE((*pending)->state.has_value());
  CHECK((*pending)->csrf_sha256 == sha256_hex("csrf"));

  CHECK(*store->sweep(999) == 1);  // the pending consent
  CHECK(store->find_access(a)->has_value());
  CHECK(*store->sweep(1000) == 1);  // the access token
  CHECK_FALSE(store->find_access(a)->has_value());
  CHECK(*store->sweep(5000) == 1);  // the refresh token
  CHECK(*store->sweep(5000) == 0);
  CHECK(store->find_client("c1")->has_value());  // clients do not expire
}

TEST_CASE("grant store: a newer schema is refused", "[oauth]") {
  parley::testing::temp_dir dir;
  const std::string path = dir.file("state.db");
  {
    auto db = parley::sqlite::connection::open(path);
    REQUIRE(db);
    REQUIRE(db->exec("PRAGMA user_version = 99"));
  }
  auto s = grant_store::open(path);
  REQUIRE_FALSE(s);
  CHECK(s.error().code == parley::errc::invalid_config);
}

TEST_CASE("grant store: concurrent callers from many threads", "[oauth]") {
  parley::testing::temp_dir dir;
  auto store = open_store(dir.file("state.db"));
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        const std::string a = random_token(), r = random_token();
        const std::string family = std::to_string(t) + "-" + std::to_string(i);
        if (!store->add_tokens(a, grant(family, 1000), r, grant(family, 5000))) ++failures;
        auto found = store->find_access(a);
        if (!found || !found->has_value()) ++failures;
        auto rotated = store->rotate_refresh(refresh_with(r, 10));
        if (!rotated || rotated->status != refresh_status::rotated) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
}
