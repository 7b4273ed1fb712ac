#include "src/http_client/http_client.hpp"

#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "src/http_client/error_text.hpp"
#include "src/util/backoff.hpp"
#include "src/util/url.hpp"

#ifndef PARLEY_VERSION
#define PARLEY_VERSION "dev"
#endif

namespace parley::http {

namespace {

struct slist_deleter {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};
using slist_ptr = std::unique_ptr<curl_slist, slist_deleter>;

/// Everything libcurl hands back during one transfer.
struct sinks {
  http_response response;
  std::size_t max_body = 0;
  bool too_big = false;
  const std::atomic<bool>* stopped = nullptr;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* s = static_cast<sinks*>(user);
  const std::size_t n = size * count;
  if (s->response.body.size() + n > s->max_body) {
    s->too_big = true;
    return 0;  // libcurl stops with CURLE_WRITE_ERROR
  }
  s->response.body.append(data, n);
  return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* s = static_cast<sinks*>(user);
  const std::size_t n = size * count;
  std::string_view line(data, n);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  // A status line starts each response (a 100 Continue comes before the
  // real one): keep only the last response's fields.
  if (line.substr(0, 5) == "HTTP/") {
    s->response.headers.clear();
    return n;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  s->response.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  return n;
}

/// Called by libcurl during the transfer; non-zero aborts it.
int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<sinks*>(user)->stopped->load() ? 1 : 0;
}

bool has_line_break(std::string_view s) {
  return s.find_first_of("\r\n") != std::string_view::npos;
}

/// Errors a fresh attempt may not meet again: the server or the network
/// hiccuped. TLS verification, a bad URL or an abort are not among them.
bool transient(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

/// Runs the transfer on the entry's multi handle, so that stop() can wake
/// the poll; gives up as soon as `stopped` is set.
CURLcode run_transfer(const curl_handle_pool::entry& e, const std::atomic<bool>& stopped) {
  if (curl_multi_add_handle(e.multi, e.easy) != CURLM_OK) return CURLE_FAILED_INIT;
  CURLcode rc = CURLE_ABORTED_BY_CALLBACK;
  while (!stopped.load()) {
    int running = 0;
    if (curl_multi_perform(e.multi, &running) != CURLM_OK) {
      rc = CURLE_FAILED_INIT;
      break;
    }
    int left = 0;
    bool done = false;
    while (CURLMsg* msg = curl_multi_info_read(e.multi, &left)) {
      if (msg->msg == CURLMSG_DONE && msg->easy_handle == e.easy) {
        rc = msg->data.result;
        done = true;
      }
    }
    if (done) break;
    if (curl_multi_poll(e.multi, nullptr, 0, 1000, nullptr) != CURLM_OK) {
      rc = CURLE_FAILED_INIT;
      break;
    }
  }
  curl_multi_remove_handle(e.multi, e.easy);
  return rc;
}

/// The request's header list for libcurl; nullopt when a name or value
/// holds a line break (header injection) or libcurl is out of memory.
std::optional<slist_ptr> header_slist(const http_request& req) {
  slist_ptr list(curl_slist_append(nullptr, "Expect:"));  // no 100-continue round trip
  auto add = [&list](std::string_view name, std::string_view value) {
    if (!list || name.empty() || has_line_break(name) || has_line_break(value)) return false;
    std::string line(name);
    line += ": ";
    line += value;
    curl_slist* grown = curl_slist_append(list.get(), line.c_str());
    if (grown == nullptr) return false;
    list.release();
    list.reset(grown);
    return true;
  };
  for (const auto& [name, value] : req.headers)
    if (!add(name, value)) return std::nullopt;
  if (!req.content_type.empty() && !add("Content-Type", req.content_type)) return std::nullopt;
  return list;
}

/// Sets the per-request options; every setopt here either cannot fail for
/// these values or makes the transfer fail visibly.
void apply_options(CURL* h, const http_request& req, const client_settings& settings,
                   const url::http_url& parsed, curl_slist* headers, sinks& s, char* errbuf) {
  curl_easy_setopt(h, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM on backend threads
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout.count()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(settings.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(settings.max_body_bytes));
  curl_easy_setopt(h, CURLOPT_USERAGENT, settings.user_agent.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &s);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &on_progress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &s);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  // A proxy from the environment must not see loopback traffic (tests, a
  // homeserver on the same host).
  if (parsed.is_loopback()) curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
  if (req.method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else if (req.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else {
    // POSTFIELDS even when empty, so that Content-Length: 0 goes out.
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.body.data());
    if (req.method != "POST") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }
}

}  // namespace

struct http_client::exchange {
  enum class outcome { response, transport, too_big, stopped, invalid };
  outcome what = outcome::response;
  http_response response;
  /// libcurl's reason (transport) or what is malformed (invalid).
  std::string detail;
  bool transient = false;
};

http_client::http_client(client_settings settings)
    : settings_(std::move(settings)), pool_(settings_.max_idle_handles) {
  if (settings_.user_agent.empty()) settings_.user_agent = std::string("parley/") + PARLEY_VERSION;
}

http_client::~http_client() = default;

void http_client::stop() {
  {
    // Under the wait mutex, so a waiter cannot miss the flag between its
    // check and its sleep.
    std::lock_guard lock(wait_mutex_);
    stopped_.store(true);
  }
  wait_cv_.notify_all();
  pool_.wake_all();
}

bool http_client::wait_unless_stopped(std::chrono::milliseconds d) {
  std::unique_lock lock(wait_mutex_);
  return !wait_cv_.wait_for(lock, d, [this] { return stopped_.load(); });
}

http_client::exchange http_client::perform(const http_request& req) {
  using outcome = exchange::outcome;
  const auto parsed = url::parse_http_url(req.url);
  if (!parsed) return {outcome::invalid, {}, "not an http(s) URL", false};
  auto headers = header_slist(req);
  if (!headers) return {outcome::invalid, {}, "a header holds a line break", false};
  auto lease = pool_.borrow();
  if (!lease) return {outcome::transport, {}, "libcurl failed to initialize", false};
  sinks s;
  s.max_body = settings_.max_body_bytes;
  s.stopped = &stopped_;
  char errbuf[CURL_ERROR_SIZE] = {};
  CURL* h = lease.get().easy;
  apply_options(h, req, settings_, *parsed, headers->get(), s, errbuf);
  const CURLcode rc = run_transfer(lease.get(), stopped_);
  if (stopped_.load()) return {outcome::stopped, {}, {}, false};
  if (s.too_big || rc == CURLE_FILESIZE_EXCEEDED) return {outcome::too_big, {}, {}, false};
  if (rc != CURLE_OK)
    return {
        outcome::transport, {}, errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc), transient(rc)};
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &s.response.status);
  return {outcome::response, std::move(s.response), {}, false};
}

result<http_response> http_client::conclude(const http_request& req, exchange&& ex) {
  using outcome = exchange::outcome;
  switch (ex.what) {
    case outcome::response:
      return std::move(ex.response);
    case outcome::stopped:
      return fail(errc::not_connected, failure_message(req, "stopped"));
    case outcome::too_big:
      return fail(errc::backend_unavailable,
                  failure_message(req, "response body exceeds " +
                                           std::to_string(settings_.max_body_bytes) + " bytes"));
    case outcome::invalid:
      return fail(errc::invalid_argument, failure_message(req, ex.detail));
    case outcome::transport:
      break;
  }
  return fail(errc::backend_unavailable, failure_message(req, ex.detail));
}

result<http_response> http_client::send(const http_request& req) {
  if (stopped_.load()) return fail(errc::not_connected, failure_message(req, "stopped"));
  return conclude(req, perform(req));
}

result<http_response> http_client::call(const http_request& req, const retry_policy& policy) {
  backoff transport_backoff(policy.transport_backoff, policy.transport_backoff * 8);
  int transport_failures = 0;
  while (true) {
    if (stopped_.load()) return fail(errc::not_connected, failure_message(req, "stopped"));
    exchange ex = perform(req);
    if (ex.what == exchange::outcome::transport && ex.transient && policy.idempotent &&
        ++transport_failures < policy.transport_attempts) {
      if (!wait_unless_stopped(transport_backoff.next()))
        return fail(errc::not_connected, failure_message(req, "stopped"));
      continue;
    }
    if (ex.what != exchange::outcome::response) return conclude(req, std::move(ex));
    const http_response& resp = ex.response;
    if (resp.status == 429) {
      if (!wait_unless_stopped(wait_after_429(resp, policy)))
        return fail(errc::not_connected, failure_message(req, "429 (disconnected)"));
      continue;
    }
    if (resp.ok()) return std::move(ex.response);
    for (long allowed : policy.allowed_statuses)
      if (resp.status == allowed) return std::move(ex.response);
    return fail(code_for_status(resp.status), status_message(req, resp));
  }
}

}  // namespace parley::http
