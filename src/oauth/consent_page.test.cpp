#include "src/oauth/consent_page.hpp"

#include <catch2/catch.hpp>

using namespace parley::oauth;

TEST_CASE("consent page: form fields, origin prominent, everything escaped", "[oauth]") {
  consent_view v;
  v.request_handle = "req\"1";
  v.csrf_token = "csrf<2>";
  v.redirect_uri = "https://Claude.ai/api/mcp/auth_callback?x=<y>";
  v.client_name = "<script>alert('x')</script>";
  v.scopes = {"mcp"};
  v.owner = "al&ice";
  v.error = "wrong owner or secret";
  const std::string html = render_consent_page(v);
  CHECK(html.find("<form method=\"POST\" action=\"/authorize/consent\">") != std::string::npos);
  CHECK(html.find("name=\"request\" value=\"req&quot;1\"") != std::string::npos);
  CHECK(html.find("name=\"csrf\" value=\"csrf&lt;2&gt;\"") != std::string::npos);
  CHECK(html.find("<strong>https://claude.ai</strong>") != std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("<script>") == std::string::npos);
  CHECK(html.find("value=\"al&amp;ice\"") != std::string::npos);
  CHECK(html.find("name=\"secret\" type=\"password\"") != std::string::npos);
  CHECK(html.find("name=\"profile\" value=\"default\"") != std::string::npos);
  CHECK(html.find("wrong owner or secret") != std::string::npos);
}

TEST_CASE("consent page: error page escapes", "[oauth]") {
  const std::string html = render_error_page("Not authorized", "a <b>");
  CHECK(html.find("<h1>Not authorized</h1>") != std::string::npos);
  CHECK(html.find("a &lt;b&gt;") != std::string::npos);
}
