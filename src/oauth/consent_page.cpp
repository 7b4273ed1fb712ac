#include "src/oauth/consent_page.hpp"

#include "src/util/url.hpp"

namespace parley::oauth {

namespace {

constexpr std::string_view k_head = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley</title>
<style>
body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#222}
.muted{color:#777;font-size:.9rem}.origin{font-size:1.2rem}.error{color:#a00;font-weight:bold}
label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.4rem;box-sizing:border-box}
button{margin:1rem .5rem 0 0;padding:.5rem 1.2rem}
</style></head><body>
)";

}  // namespace

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string render_consent_page(const consent_view& v) {
  std::string scopes;
  for (const auto& s : v.scopes) scopes += (scopes.empty() ? "" : " ") + s;
  std::string h(k_head);
  h += "<h1>Connect to Parley</h1>\n";
  h += "<p>An application asks to act on your Parley topics. Approving sends it to:</p>\n";
  h += "<p class=\"origin\"><strong>" + html_escape(url::origin_of(v.redirect_uri)) +
       "</strong></p>\n";
  h += "<p class=\"muted\">Client-supplied name: " +
       html_escape(v.client_name.empty() ? "(none)" : v.client_name) +
       "<br>Requested scopes: " + html_escape(scopes.empty() ? "(none requested)" : scopes) +
       "</p>\n";
  if (!v.error.empty()) h += "<p class=\"error\" role=\"alert\">" + html_escape(v.error) + "</p>\n";
  h += "<form method=\"POST\" action=\"" + std::string(k_consent_path) + "\">\n";
  h += "<input type=\"hidden\" name=\"request\" value=\"" + html_escape(v.request_handle) + "\">\n";
  h += "<input type=\"hidden\" name=\"csrf\" value=\"" + html_escape(v.csrf_token) + "\">\n";
  h += "<label for=\"owner\">Owner</label><input id=\"owner\" name=\"owner\" "
       "autocomplete=\"username\" required value=\"" +
       html_escape(v.owner) + "\">\n";
  h += "<label for=\"secret\">Secret</label><input id=\"secret\" name=\"secret\" type=\"password\" "
       "autocomplete=\"current-password\">\n";
  h += "<label for=\"profile\">Profile</label><input id=\"profile\" name=\"profile\" value=\"" +
       html_escape(v.profile) + "\">\n";
  h += "<button type=\"submit\" name=\"decision\" value=\"approve\">Sign in and approve</button>";
  h += "<button type=\"submit\" name=\"decision\" value=\"deny\" formnovalidate>Deny</button>\n";
  h += "</form>\n</body></html>\n";
  return h;
}

std::string render_error_page(std::string_view title, std::string_view message) {
  std::string h(k_head);
  h += "<h1>" + html_escape(title) + "</h1>\n<p>" + html_escape(message) + "</p>\n</body></html>\n";
  return h;
}

}  // namespace parley::oauth
