#include "src/http_client/error_text.hpp"

#include <algorithm>
#include <vector>

#include "src/util/url.hpp"
#include "src/util/utf8.hpp"

namespace parley::http {

namespace {

constexpr std::string_view redacted = "[redacted]";
constexpr std::size_t min_url_piece = 16;
constexpr std::size_t min_header_piece = 8;

void replace_all(std::string& text, std::string_view secret) {
  if (secret.empty()) return;
  for (auto at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + redacted.size()))
    text.replace(at, secret.size(), redacted);
}

/// Pieces of `s` between any of `seps`.
std::vector<std::string_view> pieces(std::string_view s, std::string_view seps) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || seps.find(s[i]) != std::string_view::npos) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

/// The URL's path and query, whether or not it parses as an http URL.
std::string_view path_and_query(std::string_view url_text) {
  const auto parts = url::split(url_text);
  return parts ? parts->rest : url_text;
}

}  // namespace

std::string redact(std::string text, const http_request& req) {
  std::vector<std::string_view> secrets;
  const auto rest = path_and_query(req.url);
  if (rest.size() > 1) secrets.push_back(rest);
  // With ':' too, so a Telegram token (`bot<id>:<secret>`) echoed without its
  // `bot` prefix is caught as well.
  for (auto piece : pieces(rest, "/?&=#;:"))
    if (piece.size() >= min_url_piece) secrets.push_back(piece);
  for (auto piece : pieces(rest, "/?&=#;"))
    if (piece.size() >= min_url_piece) secrets.push_back(piece);
  for (const auto& [name, value] : req.headers) {
    std::string_view v = value;
    if (v.size() >= min_header_piece) secrets.push_back(v);
    const auto space = v.rfind(' ');
    if (space != std::string_view::npos && v.size() - space - 1 >= min_header_piece)
      secrets.push_back(v.substr(space + 1));
  }
  // Longest first: a whole secret goes before its parts, so no fragment of
  // it survives beside a redacted part.
  std::stable_sort(secrets.begin(), secrets.end(),
                   [](std::string_view a, std::string_view b) { return a.size() > b.size(); });
  for (auto secret : secrets) replace_all(text, secret);
  return text;
}

std::string body_excerpt(std::string_view body) {
  if (body.size() <= error_body_bytes) return utf8::repair(body);
  std::size_t cut = error_body_bytes;
  // Step back over continuation bytes so a character is not split in two.
  while (cut > 0 && (static_cast<unsigned char>(body[cut]) & 0xC0) == 0x80) --cut;
  return utf8::repair(body.substr(0, cut)) + "…";
}

std::string status_message(const http_request& req, const http_response& resp) {
  std::string text = req.label + " → " + std::to_string(resp.status);
  // Redacted before it is cut, so a cut cannot leave half a secret behind.
  if (!resp.body.empty()) text += ": " + body_excerpt(redact(resp.body, req));
  return text;
}

std::string failure_message(const http_request& req, std::string_view detail) {
  return req.label + " → " + redact(std::string(detail), req);
}

errc code_for_status(long status) noexcept {
  if (status == 401 || status == 403) return errc::bad_credentials;
  if (status == 413) return errc::payload_too_large;
  if (status == 408 || status >= 500) return errc::backend_unavailable;
  return errc::invalid_argument;
}

}  // namespace parley::http
