#include "src/oidc/jwks_cache.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "src/oidc/testing/fake_idp.hpp"
#include "src/oidc/testing/jwt_signer.hpp"

using namespace parley::oidc;
using namespace std::chrono_literals;
using parley::oidc::testing::fake_idp;
using parley::oidc::testing::test_key;

namespace {

const std::string jwks_url = "https://idp.test/jwks";

const test_key& key_a() {
  static const test_key k = test_key::ec_p256("a");
  return k;
}
const test_key& key_b() {
  static const test_key k = test_key::ec_p256("b");
  return k;
}

/// A cache over a fake IdP with a clock the test moves by hand.
struct fixture {
  fake_idp idp;
  std::chrono::steady_clock::time_point now{std::chrono::hours(1000)};
  jwks_cache cache{jwks_url, idp.fetcher(), jwks_cache_options{}, [this] { return now; }};

  fixture() { idp.serve(jwks_url, testing::jwks_json({key_a()})); }
  bool has(const char* kid) {
    return static_cast<bool>(cache.key_for(std::string(kid), jws_alg::es256));
  }
};

}  // namespace

TEST_CASE("oidc jwks cache: first use fetches, known kids then never do", "[oidc]") {
  fixture f;
  CHECK(f.cache.fetch_count() == 0);
  CHECK(f.has("a"));
  CHECK(f.cache.fetch_count() == 1);
  for (int i = 0; i < 5; ++i) CHECK(f.has("a"));
  f.now += 599s;
  CHECK(f.has("a"));
  CHECK(f.cache.fetch_count() == 1);
}

TEST_CASE("oidc jwks cache: an unknown kid refetches once, then rotation is found", "[oidc]") {
  fixture f;
  CHECK(f.has("a"));
  f.now += 31s;
  f.idp.serve(jwks_url, testing::jwks_json({key_a(), key_b()}));  // the IdP rotates in "b"
  auto b = f.cache.key_for(std::string("b"), jws_alg::es256);
  REQUIRE(b);
  CHECK((*b)->kid == "b");
  CHECK(f.cache.fetch_count() == 2);
  CHECK(f.has("a"));
  CHECK(f.cache.fetch_count() == 2);
}

TEST_CASE("oidc jwks cache: unknown kids cost at most one fetch per interval", "[oidc]") {
  fixture f;
  CHECK(f.has("a"));
  f.now += 31s;
  auto miss = f.cache.key_for(std::string("forged-1"), jws_alg::es256);
  REQUIRE_FALSE(miss);
  CHECK(miss.error().code == parley::errc::unknown_name);
  CHECK(f.cache.fetch_count() == 2);
  for (int i = 0; i < 50; ++i) CHECK_FALSE(f.has(("forged-" + std::to_string(i)).c_str()));
  f.now += 29s;
  CHECK_FALSE(f.has("forged-x"));
  CHECK(f.cache.fetch_count() == 2);
  // Within the interval a rotated-in key waits for the next allowed fetch.
  f.idp.serve(jwks_url, testing::jwks_json({key_b()}));
  CHECK_FALSE(f.has("b"));
  f.now += 1s;
  CHECK(f.has("b"));
  CHECK(f.cache.fetch_count() == 3);
  CHECK_FALSE(f.has("a"));  // withdrawn by the IdP, so gone here too
}

TEST_CASE("oidc jwks cache: old keys are refetched by age; a failed fetch keeps them", "[oidc]") {
  fixture f;
  CHECK(f.has("a"));
  f.now += 600s;
  f.idp.set_down(true);
  CHECK(f.has("a"));  // stale, the refetch failed, the old key still serves
  CHECK(f.cache.fetch_count() == 2);
  f.now += 10s;
  CHECK(f.has("a"));  // stale, but the rate limit holds: no fetch
  CHECK(f.cache.fetch_count() == 2);
  f.idp.set_down(false);
  f.idp.serve(jwks_url, testing::jwks_json({key_b()}));
  f.now += 30s;
  CHECK_FALSE(f.has("a"));  // refetched by age: "a" is withdrawn
  CHECK(f.cache.fetch_count() == 3);
  CHECK(f.has("b"));
}

TEST_CASE("oidc jwks cache: no keys at all is backend_unavailable", "[oidc]") {
  fixture f;
  f.idp.set_down(true);
  auto r = f.cache.key_for(std::string("a"), jws_alg::es256);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == parley::errc::backend_unavailable);
  f.idp.set_down(false);
  CHECK_FALSE(f.has("a"));  // within the interval: no retry yet
  f.now += 30s;
  CHECK(f.has("a"));
}

TEST_CASE("oidc jwks cache: refresh reports what is wrong with the JWKS", "[oidc]") {
  fixture f;
  REQUIRE(f.cache.refresh());
  f.idp.serve(jwks_url, "oops", 500);
  auto r = f.cache.refresh();
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "JWKS fetch failed: " + jwks_url + " returned HTTP 500");
  f.idp.serve(jwks_url, "{}");
  r = f.cache.refresh();
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("returned an invalid document") != std::string::npos);
  CHECK(f.has("a"));  // neither failure dropped the good keys
  f.idp.serve(jwks_url, R"({"keys":[{"kty":"oct","k":"AA"}]})");
  r = f.cache.refresh();
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("no usable signing key (1 skipped)") != std::string::npos);
  f.idp.set_down(true);
  r = f.cache.refresh();
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("cannot reach " + jwks_url) != std::string::npos);
}

TEST_CASE("oidc jwks cache: concurrent unknown kids share one fetch", "[oidc]") {
  fixture f;
  CHECK(f.has("a"));
  f.now += 31s;
  f.idp.serve(jwks_url, testing::jwks_json({key_a(), key_b()}));
  std::atomic<int> found{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      for (int j = 0; j < 20; ++j)
        if (f.cache.key_for(std::string("b"), jws_alg::es256)) ++found;
    });
  for (auto& t : threads) t.join();
  CHECK(found == 160);
  CHECK(f.cache.fetch_count() == 2);
}
