#include "src/oidc/discovery.hpp"

#include <catch2/catch.hpp>

#include "src/oidc/testing/fake_idp.hpp"

using namespace parley::oidc;
using parley::oidc::testing::fake_idp;

namespace {

const std::string issuer = "https://idp.test/realms/parley";
const std::string well_known = issuer + "/.well-known/openid-configuration";

std::string document(const std::string& iss, const std::string& jwks) {
  return R"({"issuer":")" + iss + R"(","authorization_endpoint":")" + iss +
         R"(/auth","jwks_uri":")" + jwks + R"("})";
}

parley::oidc_config config_for(const std::string& iss) {
  parley::oidc_config c;
  c.issuer = iss;
  c.allowed_usernames = {"alice"};
  return c;
}

std::string boot_error(fake_idp& idp, const parley::oidc_config& c) {
  auto r = discover(c, idp.fetcher());
  REQUIRE_FALSE(r);
  return r.error().message;
}

}  // namespace

TEST_CASE("oidc discovery: the well-known URL goes after the issuer path", "[oidc]") {
  CHECK(discovery_url("https://idp.test/realms/parley") ==
        "https://idp.test/realms/parley/.well-known/openid-configuration");
  CHECK(discovery_url("https://idp.test/realms/parley/") ==
        "https://idp.test/realms/parley/.well-known/openid-configuration");
  CHECK(discovery_url("https://idp.test") == "https://idp.test/.well-known/openid-configuration");
}

TEST_CASE("oidc discovery: a good document gives issuer, jwks_uri and itself", "[oidc]") {
  fake_idp idp;
  const auto doc = document(issuer, issuer + "/protocol/openid-connect/certs");
  idp.serve(well_known, doc);
  auto r = discover(config_for(issuer), idp.fetcher());
  REQUIRE(r);
  CHECK(r->issuer == issuer);
  CHECK(r->jwks_uri == issuer + "/protocol/openid-connect/certs");
  CHECK(r->document == doc);
  CHECK(idp.calls(well_known) == 1);
}

TEST_CASE("oidc discovery: one trailing slash on either side is the same issuer", "[oidc]") {
  fake_idp idp;
  idp.serve(well_known, document(issuer + "/", "https://idp.test/certs"));
  auto r = discover(config_for(issuer), idp.fetcher());
  REQUIRE(r);
  CHECK(r->issuer == issuer + "/");  // tokens carry the document's spelling
  fake_idp idp2;
  idp2.serve(well_known, document(issuer, "https://idp.test/certs"));
  CHECK(discover(config_for(issuer + "/"), idp2.fetcher()));
}

TEST_CASE("oidc discovery: each boot error has the documented text", "[oidc]") {
  fake_idp idp;
  const auto cfg = config_for(issuer);
  SECTION("cannot reach") {
    idp.set_down(true);
    CHECK(boot_error(idp, cfg) ==
          "OIDC discovery failed: cannot reach " + well_known + " (Connection refused)");
  }
  SECTION("HTTP status") {
    CHECK(boot_error(idp, cfg) == "OIDC discovery failed: " + well_known + " returned HTTP 404");
    idp.serve(well_known, document(issuer, issuer + "/certs"), 302);
    CHECK(boot_error(idp, cfg) == "OIDC discovery failed: " + well_known + " returned HTTP 302");
  }
  SECTION("invalid document") {
    const std::string prefix =
        "OIDC discovery failed: " + well_known + " returned an invalid document (";
    for (const char* body :
         {"<html>", "[]", R"({"jwks_uri":"https://idp.test/certs"})", R"({"issuer":5})"}) {
      idp.serve(well_known, body);
      CHECK(boot_error(idp, cfg).rfind(prefix, 0) == 0);
    }
    idp.serve(well_known, R"({"issuer":")" + issuer + R"("})");
    CHECK(boot_error(idp, cfg) == prefix + "no \"jwks_uri\" string)");
    idp.serve(well_known, document(issuer, "/relative/certs"));
    CHECK(boot_error(idp, cfg) == prefix + "jwks_uri is not an http(s) URL)");
  }
  SECTION("issuer mismatch") {
    idp.serve(well_known, document("https://idp.test/realms/other", issuer + "/certs"));
    CHECK(boot_error(idp, cfg) ==
          "OIDC discovery failed: document issuer \"https://idp.test/realms/other\" does not "
          "match configured issuer \"" +
              issuer + "\"");
    idp.serve(well_known,
              document(issuer + "//", issuer + "/certs"));  // only one slash is forgiven
    CHECK(boot_error(idp, cfg).find("does not match configured issuer") != std::string::npos);
  }
  SECTION("jwks_uri on another origin") {
    idp.serve(well_known, document(issuer, "https://keys.elsewhere.test/certs"));
    CHECK(boot_error(idp, cfg) ==
          "OIDC discovery: jwks_uri origin https://keys.elsewhere.test does not match issuer "
          "origin https://idp.test. Pin it explicitly via auth.oidc.jwks_uri if that origin is "
          "trusted.");
    idp.serve(well_known, document(issuer, "https://idp.test:8443/certs"));
    CHECK(boot_error(idp, cfg).find("origin https://idp.test:8443 does not match") !=
          std::string::npos);
    idp.serve(well_known, document(issuer, "http://idp.test/certs"));
    CHECK(boot_error(idp, cfg).find("origin http://idp.test does not match") != std::string::npos);
  }
}

TEST_CASE("oidc discovery: a pinned jwks_uri may be on another origin", "[oidc]") {
  fake_idp idp;
  idp.serve(well_known, document(issuer, "https://keys.elsewhere.test/certs"));
  auto cfg = config_for(issuer);
  cfg.jwks_uri = "https://pinned.test/jwks";
  auto r = discover(cfg, idp.fetcher());
  REQUIRE(r);
  CHECK(r->jwks_uri == "https://pinned.test/jwks");
  // With a pin the document need not name a jwks_uri at all.
  idp.serve(well_known, R"({"issuer":")" + issuer + R"("})");
  CHECK(discover(cfg, idp.fetcher()));
}
