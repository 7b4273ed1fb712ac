#include "src/oidc/http_fetch.hpp"

#include <curl/curl.h>

#include <memory>
#include <mutex>

#include "src/util/url.hpp"

namespace parley::oidc {

namespace {

struct easy_deleter {
  void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
};
struct slist_deleter {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};

struct body_sink {
  std::string body;
  std::size_t max = 0;
  bool too_big = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<body_sink*>(user);
  const std::size_t n = size * count;
  if (sink->body.size() + n > sink->max) {
    sink->too_big = true;
    return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
  }
  sink->body.append(data, n);
  return n;
}

/// curl_global_init is not thread-safe on every build of libcurl; run it once.
bool global_init() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] { ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; });
  return ok;
}

error unavailable(const std::string& why) {
  return error{errc::backend_unavailable, why};
}

}  // namespace

fetch_result http_get(const std::string& url, const fetch_limits& limits) {
  const auto parsed = url::parse_http_url(url);
  if (!parsed) return unavailable("not an http(s) URL");
  if (parsed->scheme == "http" && !parsed->is_loopback())
    return unavailable("plain http is allowed only to a loopback host; use https");
  if (!global_init()) return unavailable("libcurl failed to initialize");
  std::unique_ptr<CURL, easy_deleter> curl(curl_easy_init());
  if (!curl) return unavailable("libcurl failed to create a handle");
  std::unique_ptr<curl_slist, slist_deleter> headers(
      curl_slist_append(nullptr, "Accept: application/json"));
  body_sink sink;
  sink.max = limits.max_body_bytes;
  char errbuf[CURL_ERROR_SIZE] = {};
  CURL* h = curl.get();
  const long timeout_ms = static_cast<long>(limits.timeout.count());
  // Each setopt below either cannot fail for these values or makes the
  // request fail visibly; their codes add nothing.
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, parsed->scheme == "https" ? "https" : "http");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM from worker threads
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(limits.max_body_bytes));
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_USERAGENT, "parley-oidc");
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  if (parsed->is_loopback()) curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
  const CURLcode rc = curl_easy_perform(h);
  if (sink.too_big || rc == CURLE_FILESIZE_EXCEEDED)
    return unavailable("response body exceeds " + std::to_string(limits.max_body_bytes) + " bytes");
  if (rc != CURLE_OK)
    return unavailable(errbuf[0] != '\0' ? std::string(errbuf) : curl_easy_strerror(rc));
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  return http_response{status, std::move(sink.body)};
}

fetch_function make_curl_fetcher(fetch_limits limits) {
  return [limits](const std::string& url) { return http_get(url, limits); };
}

}  // namespace parley::oidc
