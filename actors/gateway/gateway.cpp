#include "actors/gateway/gateway.hpp"

#include <caf/all.hpp>
#include <openssl/rand.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "actors/gateway/blocking_pool.hpp"
#include "actors/gateway/credentials.hpp"
#include "actors/gateway/front_door.hpp"
#include "actors/gateway/owner_quota.hpp"
#include "actors/gateway/profile_catalog.hpp"
#include "actors/transport/http/http_session_output.hpp"
#include "actors/transport/http/secured_exchange.hpp"
#include "actors/transport/http/streamable_http.hpp"
#include "src/json/writer.hpp"
#include "actors/mcp_session/mcp_session.hpp"
#include "actors/messages.hpp"
#include "src/state/read_state.hpp"
#include "src/util/hex.hpp"
#include "src/util/log.hpp"

namespace parley {

namespace {

using clock_type = std::chrono::steady_clock;

std::string random_session_id() {
  // 128 random bits: session ids are capabilities within a token's scope.
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) std::abort();
  return to_hex(bytes, sizeof bytes);
}

/// `scheme://host[:port]` of a URL, lower-cased host.
std::string origin_of(const std::string& url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  auto path = url.find('/', scheme_end + 3);
  std::string o = url.substr(0, path);
  for (auto& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

/// The host name of a Host header or origin authority, without port.
std::string host_name(std::string authority) {
  if (auto s = authority.find("://"); s != std::string::npos) authority = authority.substr(s + 3);
  if (!authority.empty() && authority.front() == '[') return authority.substr(0, authority.find(']') + 1);
  return authority.substr(0, authority.find(':'));
}

bool is_loopback_name(const std::string& host) {
  return host == "localhost" || host == "127.0.0.1" || host == "[::1]";
}

using streamable_http::json_error;

/// A session of this gateway: what the Streamable HTTP rules know of it,
/// and whose it is.
struct hosted_session : streamable_http::session {
  std::string owner;
  session_id number = 0;
  std::string principal_key;  // the credential that opened it
  clock_type::time_point last_activity = clock_type::now();
};

}  // namespace

struct gateway::impl : std::enable_shared_from_this<impl> {
  gateway_config cfg;
  parley_config base;
  gateway_runtime rt;
  std::shared_ptr<const profile_catalog> catalog;
  /// Set once the listening port is known (the public URL may name it).
  std::shared_ptr<front_door> door;
  std::unique_ptr<owner_quota> quota;
  /// Where /mcp requests are authenticated when that may block (OIDC).
  std::unique_ptr<blocking_pool> auth_pool = std::make_unique<blocking_pool>(2);
  std::string public_origin;
  bool loopback_listen = true;

  mutable std::mutex mu;
  std::map<std::string, std::shared_ptr<hosted_session>> sessions;
  std::atomic<session_id> next_number{1};

  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> sessions_created{0};
  std::atomic<std::uint64_t> auth_failures{0};

  std::thread janitor;
  std::mutex janitor_mu;
  std::condition_variable janitor_cv;
  bool stopping = false;

  // ---- policy ------------------------------------------------------------

  /// DNS-rebinding protection: a browser page of another site must not
  /// reach a gateway bound to loopback, nor any gateway from a foreign origin.
  std::optional<http::response> check_origin(const http::request& req) const {
    if (const auto* origin = req.find("origin")) {
      const std::string o = origin_of(*origin);
      bool ok = o == public_origin || is_loopback_name(host_name(o));
      for (const auto& allowed : cfg.allowed_origins) ok = ok || o == origin_of(allowed);
      if (!ok) return json_error(403, -32000, "Forbidden: origin " + *origin + " is not allowed");
    }
    if (loopback_listen) {
      const auto* host = req.find("host");
      const std::string h = host ? host_name(*host) : "";
      if (!is_loopback_name(h) && h != host_name(public_origin))
        return json_error(403, -32000, "Forbidden: Invalid Host: " + (host ? *host : std::string("(none)")));
    }
    return std::nullopt;
  }

  std::shared_ptr<front_door> current_door() const {
    std::lock_guard lock(mu);
    return door;
  }

  // ---- sessions ------------------------------------------------------------

  std::shared_ptr<hosted_session> find(const std::string& id, const std::string& digest) {
    std::lock_guard lock(mu);
    auto it = sessions.find(id);
    // A session is bound to the credential that opened it.
    if (it == sessions.end() || it->second->principal_key != digest) return nullptr;
    it->second->last_activity = clock_type::now();
    return it->second;
  }

  std::shared_ptr<hosted_session> create(std::shared_ptr<const session_profile> profile, const std::string& digest,
                                         const catalog_entry& entry) {
    const gateway_profile& gp = entry.config;
    // `digest` is the principal's key: a token's SHA-256, or a grant's.
    auto s = std::make_shared<hosted_session>();
    s->owner = entry.owner;
    s->id = random_session_id();
    s->number = next_number++;
    s->output = std::make_shared<http_session_output>(static_cast<std::size_t>(cfg.replay_events),
                                                      static_cast<std::size_t>(cfg.max_backlog_bytes));
    s->principal_key = digest;
    session_spec spec;
    spec.id = s->number;
    spec.profile = std::move(profile);
    spec.output = s->output;
    spec.live_push = gp.live_push;
    // Read cursors outlive HTTP sessions: a client that comes back with the
    // same credential is pushed what it missed, as a restarted stdio session
    // is. Keyed by profile and token, never shared between credentials.
    spec.read_state_path = read_state_store::default_path(
        base.state_path ? std::optional<std::string>(*base.state_path + "." + gp.name + "." + digest.substr(0, 16))
                        : std::nullopt,
        "gateway@" + gp.name + "@" + digest.substr(0, 16));
    spec.read_cursors = read_state_store(spec.read_state_path).load();
    spec.presence = gp.presence;
    spec.presence_topic = entry.presence_topic;
    spec.max_input_bytes = cfg.max_body_bytes;
    if (gp.nats_agent && rt.nats_agents)
      spec.spawn_nats_agent = rt.nats_agents(gp, entry.owner, [weak = weak_from_this(), id = s->id] {
        if (auto self = weak.lock()) self->end_by_id(id);
      });
    s->actor = spawn_mcp_session(*rt.sys, make_session_settings(base, rt.shared, std::move(spec)));
    // However the session ends (DELETE, expiry, a failure), forget it and
    // answer whatever still waits on it, so no HTTP request hangs.
    s->actor->attach_functor([weak = weak_from_this(), id = s->id, owner = s->owner, out = s->output](const caf::error&) {
      out->close();
      if (auto self = weak.lock()) {
        self->quota->close_session(owner);
        std::lock_guard lock(self->mu);
        self->sessions.erase(id);
      }
    });
    ++sessions_created;
    std::lock_guard lock(mu);
    sessions[s->id] = s;
    return s;
  }

  void end(const std::shared_ptr<hosted_session>& s) {
    {
      std::lock_guard lock(mu);
      sessions.erase(s->id);
    }
    s->output->close();
    caf::anon_send(s->actor, shutdown_request{"session ended"});
  }

  void end_by_id(const std::string& id) {
    std::shared_ptr<hosted_session> s;
    {
      std::lock_guard lock(mu);
      auto it = sessions.find(id);
      if (it == sessions.end()) return;
      s = it->second;
    }
    end(s);
  }

  /// The sessions of one credential, for the Streamable HTTP rules.
  class caller_sessions final : public streamable_http::session_directory {
   public:
    caller_sessions(impl& gw, const principal& who) : gw_(gw), who_(who) {}
    std::variant<std::shared_ptr<streamable_http::session>, http::response> open() override {
      return gw_.open(who_);
    }
    std::shared_ptr<streamable_http::session> find(const std::string& id) override { return gw_.find(id, who_.key); }
    void end(const streamable_http::session& s) override { gw_.end_by_id(s.id); }

   private:
    impl& gw_;
    const principal& who_;
  };

  /// A new session for `who`, within the gateway's and the owner's limits.
  std::variant<std::shared_ptr<streamable_http::session>, http::response> open(const principal& who) {
    {
      std::lock_guard lock(mu);
      if (sessions.size() >= static_cast<std::size_t>(cfg.max_sessions))
        return json_error(503, -32000, "Service Unavailable: too many sessions");
    }
    const auto* entry = catalog->find(who.owner, who.profile_name);
    if (!entry) return json_error(500, -32603, "Internal error");
    if (!quota->open_session(who.owner))
      return json_error(429, -32000, "Too Many Requests: this owner already holds its maximum of sessions");
    return create(who.profile, who.key, *entry);
  }

  void handle(http::request req, std::shared_ptr<http::exchange> raw) {
    ++requests;
    auto ex = std::make_shared<http::secured_exchange>(std::move(raw));
    std::string path = req.target.substr(0, req.target.find('?'));
    if (path == "/healthz") {
      // 503 while the backend is down, so a load balancer stops sending.
      auto [h, reason] = rt.shared.metrics ? rt.shared.metrics->backend_health() : std::pair{health::connected, std::string()};
      json::writer w;
      w.begin_object().key("status").value(h == health::connected ? "ok" : "degraded");
      w.key("backend").begin_object().key("name").value(base.backend).key("state").value(health_name(h));
      w.key("reason").value(reason).end_object();
      {
        std::lock_guard lock(mu);
        w.key("sessions").value(sessions.size());
      }
      w.end_object();
      ex->respond({h == health::connected ? 200 : 503, {{"content-type", "application/json"}}, std::move(w).take()});
      return;
    }
    if (path == "/metrics") {
      ex->respond({200, {{"content-type", "text/plain; version=0.0.4"}}, metrics()});
      return;
    }
    auto gate = current_door();
    if (!gate) {
      ex->respond(json_error(503, -32000, "Service Unavailable: starting"));
      return;
    }
    if (path != "/mcp") {
      // Browsers send Origin on cross-site POSTs: a foreign page must not
      // submit the consent form or call /token for the user.
      // The consent page is sent with Referrer-Policy no-referrer, so a
      // browser posts its form with `Origin: null`; the form's CSRF token and
      // SameSite=Strict cookie are what protect it.
      const auto* origin = req.find("origin");
      const bool null_origin_consent = path == "/authorize/consent" && origin && *origin == "null";
      if (auto bad = check_origin(req);
          bad && req.method != "GET" && req.method != "OPTIONS" && !null_origin_consent) {
        ex->respond(std::move(*bad));
        return;
      }
      if (auto r = gate->handle(req)) {
        ex->respond(std::move(*r));
        return;
      }
      ex->respond({404, {{"content-type", "text/plain"}}, "not found"});
      return;
    }
    if (auto bad = check_origin(req)) {
      ex->respond(std::move(*bad));
      return;
    }
    if (gate->may_block()) {
      // An OIDC key refetch may wait on the network: not on the I/O thread.
      auth_pool->post([self = shared_from_this(), gate, req = std::move(req), ex]() mutable {
        self->serve_mcp(*gate, std::move(req), std::move(ex));
      });
      return;
    }
    serve_mcp(*gate, std::move(req), std::move(ex));
  }

  /// /mcp once the Origin is checked: who, how much, then the method.
  void serve_mcp(const front_door& gate, http::request req, std::shared_ptr<http::exchange> ex) {
    auto outcome = gate.authenticate(req);
    if (auto* refusal = std::get_if<http::response>(&outcome)) {
      ++auth_failures;
      ex->respond(std::move(*refusal));
      return;
    }
    auto* who = &std::get<principal>(outcome);
    std::int64_t retry_after = 0;
    if (!quota->admit_request(who->owner, retry_after)) {
      auto r = json_error(429, -32000, "Too Many Requests: this owner's rate limit (rate_per_min) is exhausted");
      r.header.emplace_back("retry-after", std::to_string(retry_after));
      ex->respond(std::move(r));
      return;
    }
    caller_sessions callers(*this, *who);
    streamable_http::serve(std::move(req), ex, callers);
  }

  std::string metrics() const {
    std::size_t active = 0;
    std::uint64_t dropped = 0;
    {
      std::lock_guard lock(mu);
      active = sessions.size();
      for (const auto& [id, s] : sessions) dropped += s->output->dropped();
    }
    std::string out;
    out += "# TYPE parley_sessions_active gauge\nparley_sessions_active " + std::to_string(active) + "\n";
    out += "# TYPE parley_sessions_created_total counter\nparley_sessions_created_total " +
           std::to_string(sessions_created.load()) + "\n";
    out += "# TYPE parley_http_requests_total counter\nparley_http_requests_total " + std::to_string(requests.load()) + "\n";
    out += "# TYPE parley_auth_failures_total counter\nparley_auth_failures_total " +
           std::to_string(auth_failures.load()) + "\n";
    out += "# TYPE parley_events_dropped_total counter\nparley_events_dropped_total " + std::to_string(dropped) + "\n";
    if (rt.shared.metrics) out += rt.shared.metrics->prometheus();
    out += quota->prometheus();
    return out;
  }

  void janitor_loop() {
    std::unique_lock lock(janitor_mu);
    while (!stopping) {
      janitor_cv.wait_for(lock, std::chrono::seconds(5));
      if (stopping) break;
      const auto cutoff = clock_type::now() - std::chrono::seconds(cfg.session_idle_timeout_s);
      std::vector<std::shared_ptr<hosted_session>> idle;
      {
        std::lock_guard slock(mu);
        for (const auto& [id, s] : sessions)
          if (s->last_activity < cutoff && !s->output->busy()) idle.push_back(s);
      }
      for (const auto& s : idle) {
        log::info("gateway", "session " + s->id.substr(0, 8) + "… expired after idling");
        end(s);
      }
    }
  }
};

gateway::gateway(const parley_config& cfg, gateway_runtime rt) : impl_(std::make_shared<impl>()) {
  impl_->cfg = cfg.gateway;
  impl_->base = cfg;
  impl_->rt = rt;
  impl_->public_origin = origin_of(impl_->cfg.public_url);
  const auto& host = impl_->cfg.listen_host;
  impl_->loopback_listen = host == "127.0.0.1" || host == "::1" || host == "localhost";
  impl_->catalog = std::make_shared<const profile_catalog>(cfg);
  impl_->quota = std::make_unique<owner_quota>(cfg.owners);
  impl_->janitor = std::thread([i = impl_.get()] { i->janitor_loop(); });
}

gateway::~gateway() {
  impl_->auth_pool.reset();  // finishes what it holds, before anything else goes
  {
    std::lock_guard lock(impl_->janitor_mu);
    impl_->stopping = true;
  }
  impl_->janitor_cv.notify_all();
  if (impl_->janitor.joinable()) impl_->janitor.join();
}

result<std::string> gateway::open_front_door(const std::string& public_url, const std::string& default_state_db) {
  auto door = front_door::make(impl_->base, public_url, impl_->catalog, default_state_db);
  if (!door) return door.error();
  std::string what = (*door)->describe();
  std::lock_guard lock(impl_->mu);
  impl_->public_origin = origin_of(public_url);
  impl_->door = std::shared_ptr<front_door>(std::move(*door));
  return what;
}

http::handler gateway::handler() {
  return [i = impl_](http::request req, std::shared_ptr<http::exchange> ex) { i->handle(std::move(req), std::move(ex)); };
}

void gateway::end_all_sessions(int ms) {
  std::vector<std::shared_ptr<hosted_session>> all;
  {
    std::lock_guard lock(impl_->mu);
    for (auto& [id, s] : impl_->sessions) all.push_back(s);
    impl_->sessions.clear();
  }
  caf::scoped_actor self{*impl_->rt.sys};
  for (auto& s : all) s->output->close();
  for (auto& s : all) self->send(s->actor, shutdown_request{"gateway stopping"});
  const auto deadline = clock_type::now() + std::chrono::milliseconds(ms);
  for (std::size_t done = 0; done < all.size();) {
    const auto left = deadline - clock_type::now();
    if (left <= clock_type::duration::zero()) break;
    bool got = false;
    self->receive([&](shutdown_done) { got = true; },
                  caf::after(std::chrono::duration_cast<std::chrono::milliseconds>(left)) >> [] {});
    if (!got) break;
    ++done;
  }
}

std::size_t gateway::session_count() const {
  std::lock_guard lock(impl_->mu);
  return impl_->sessions.size();
}

}  // namespace parley
