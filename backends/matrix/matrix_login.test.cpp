#include <catch2/catch.hpp>

#include "backends/matrix/matrix_harness.hpp"
#include "backends/matrix/testing/fake_homeserver.hpp"
#include "conformance/backend_calls.hpp"

using namespace parley;
using namespace parley::matrix;
using namespace parley::matrix::testing;

TEST_CASE("matrix login: an access token and user_id replace the password", "[matrix][login]") {
  auto& fake = shared_fake();
  auto tok = fake.mint_token("parley");
  auto cfg = fake_config();
  cfg.password = "not-the-password";
  cfg.access_token = tok.access_token;
  cfg.user_id = tok.user_id;
  auto b = connect_matrix(cfg);
  CHECK(b->user_id() == "@parley:parley.local");
  const auto topic = "login-" + std::to_string(std::rand());
  conformance::post_ok(*b, topic, "by token");
  auto page = conformance::fetch(*b, topic);
  REQUIRE(page);
  REQUIRE(page->messages.size() == 1);
  CHECK(page->messages[0].sender_handle == "@parley:parley.local");
}

TEST_CASE("matrix login: refusals are clear and never show a secret", "[matrix][login]") {
  auto& fake = shared_fake();
  auto cfg = fake_config();
  SECTION("a wrong password") {
    cfg.password = "wrong-password-123";
    matrix_backend b;
    auto r = b.connect(cfg);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::bad_credentials);
    CHECK(r.error().message.find("wrong-password-123") == std::string::npos);
  }
  SECTION("an unknown token") {
    cfg.access_token = "syt_unknown_secret_token";
    matrix_backend b;
    auto r = b.connect(cfg);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::bad_credentials);
    CHECK(r.error().message.find("syt_unknown_secret_token") == std::string::npos);
  }
  SECTION("a token of another user than user_id") {
    auto tok = fake.mint_token("alice");
    cfg.access_token = tok.access_token;
    cfg.user_id = "@parley:parley.local";
    matrix_backend b;
    auto r = b.connect(cfg);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("@alice:parley.local") != std::string::npos);
    CHECK(r.error().message.find(tok.access_token) == std::string::npos);
  }
  SECTION("a homeserver without password login says to use a token") {
    (void)fake.control("POST", "/_fake/options", R"({"password_login": false})");
    matrix_backend b;
    auto r = b.connect(cfg);
    (void)fake.control("POST", "/_fake/options", R"({"password_login": true})");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::bad_credentials);
    CHECK(r.error().message.find("access_token") != std::string::npos);
    CHECK(r.error().message.find("test-password") == std::string::npos);
  }
}
