#include "actors/gateway/gateway.hpp"

#include <caf/all.hpp>

#include <atomic>
#include <chrono>
#include <mutex>

#include "actors/gateway/blocking_pool.hpp"
#include "actors/gateway/credentials.hpp"
#include "actors/gateway/front_door.hpp"
#include "actors/gateway/gateway_status.hpp"
#include "actors/gateway/janitor.hpp"
#include "actors/gateway/origin_check.hpp"
#include "actors/gateway/owner_quota.hpp"
#include "actors/gateway/profile_catalog.hpp"
#include "actors/gateway/session_table.hpp"
#include "actors/messages.hpp"
#include "actors/transport/http/secured_exchange.hpp"
#include "actors/transport/http/streamable_http.hpp"

namespace parley {

namespace {

using clock_type = std::chrono::steady_clock;
using streamable_http::json_error;

/// How often idle sessions are looked for.
constexpr auto sweep_period = std::chrono::seconds(5);

/// What admits requests once the listening port is known: the front door
/// and the Origin check of the public URL.
struct entrance {
  std::shared_ptr<front_door> door;
  std::shared_ptr<const origin_check> origins;
};

}  // namespace

struct gateway::impl : std::enable_shared_from_this<impl> {
  parley_config base;
  gateway_runtime rt;
  std::shared_ptr<const profile_catalog> catalog;
  std::shared_ptr<owner_quota> quota;
  std::shared_ptr<session_table> sessions;
  /// Where /mcp requests are authenticated when that may block (OIDC).
  std::unique_ptr<blocking_pool> auth_pool = std::make_unique<blocking_pool>(2);
  std::unique_ptr<janitor> sweeper;

  mutable std::mutex mu;
  entrance way_in;  // guarded by mu

  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> auth_failures{0};

  [[nodiscard]] entrance current_entrance() const {
    std::lock_guard lock(mu);
    return way_in;
  }

  /// /healthz and /metrics; false for any other path.
  bool serve_status(const std::string& path, const std::shared_ptr<http::exchange>& ex) const {
    if (path == "/healthz") {
      ex->respond(health_response(rt.shared.metrics.get(), base.backend, sessions->size()));
      return true;
    }
    if (path == "/metrics") {
      gateway_counters c{sessions->size(), sessions->created(), requests.load(),
                         auth_failures.load(), sessions->dropped_events()};
      ex->respond(metrics_response(c, rt.shared.metrics.get(), *quota));
      return true;
    }
    return false;
  }

  /// The authorization paths (metadata, /register, /authorize, /token,
  /// /revoke), or 404.
  static void serve_authorization(const std::string& path, const http::request& req,
                                  const entrance& in, const std::shared_ptr<http::exchange>& ex) {
    // Browsers send Origin on cross-site POSTs: a foreign page must not
    // submit the consent form or call /token for the user.
    // The consent page is sent with Referrer-Policy no-referrer, so a
    // browser posts its form with `Origin: null`; the form's CSRF token and
    // SameSite=Strict cookie are what protect it.
    const auto* origin = req.find("origin");
    const bool null_origin_consent = path == "/authorize/consent" && origin && *origin == "null";
    if (auto bad = in.origins->refusal(req);
        bad && req.method != "GET" && req.method != "OPTIONS" && !null_origin_consent) {
      ex->respond(std::move(*bad));
      return;
    }
    if (auto r = in.door->handle(req)) {
      ex->respond(std::move(*r));
      return;
    }
    ex->respond({404, {{"content-type", "text/plain"}}, "not found"});
  }

  void handle(http::request req, std::shared_ptr<http::exchange> raw) {
    ++requests;
    auto ex = std::make_shared<http::secured_exchange>(std::move(raw));
    const std::string path = req.target.substr(0, req.target.find('?'));
    if (serve_status(path, ex)) return;
    auto in = current_entrance();
    if (!in.door) {
      ex->respond(json_error(503, -32000, "Service Unavailable: starting"));
      return;
    }
    if (path != "/mcp") {
      serve_authorization(path, req, in, ex);
      return;
    }
    if (auto bad = in.origins->refusal(req)) {
      ex->respond(std::move(*bad));
      return;
    }
    if (in.door->may_block()) {
      // An OIDC key refetch may wait on the network: not on the I/O thread.
      auth_pool->post([self = shared_from_this(), gate = in.door, req = std::move(req),
                       ex]() mutable { self->serve_mcp(*gate, std::move(req), std::move(ex)); });
      return;
    }
    serve_mcp(*in.door, std::move(req), std::move(ex));
  }

  /// /mcp once the Origin is checked: who, how much, then the method.
  void serve_mcp(const front_door& gate, http::request req, std::shared_ptr<http::exchange> ex) {
    auto outcome = gate.authenticate(req);
    if (auto* refusal = std::get_if<http::response>(&outcome)) {
      ++auth_failures;
      ex->respond(std::move(*refusal));
      return;
    }
    const auto& who = std::get<principal>(outcome);
    std::int64_t retry_after = 0;
    if (!quota->admit_request(who.owner, retry_after)) {
      auto r = json_error(429, -32000,
                          "Too Many Requests: this owner's rate limit (rate_per_min) is exhausted");
      r.header.emplace_back("retry-after", std::to_string(retry_after));
      ex->respond(std::move(r));
      return;
    }
    principal_sessions callers(*sessions, who);
    streamable_http::serve(std::move(req), ex, callers);
  }
};

gateway::gateway(const parley_config& cfg, gateway_runtime rt) : impl_(std::make_shared<impl>()) {
  impl_->base = cfg;
  impl_->rt = rt;
  impl_->catalog = std::make_shared<const profile_catalog>(cfg);
  impl_->quota = std::make_shared<owner_quota>(cfg.owners);
  impl_->sessions =
      std::make_shared<session_table>(cfg, std::move(rt), impl_->catalog, impl_->quota);
  impl_->sweeper =
      std::make_unique<janitor>(sweep_period, [t = impl_->sessions.get()] { t->expire_idle(); });
}

gateway::~gateway() {
  impl_->auth_pool.reset();  // finishes what it holds, before anything else goes
  impl_->sweeper.reset();
}

result<std::string> gateway::open_front_door(const std::string& public_url,
                                             const std::string& default_state_db) {
  auto door = front_door::make(impl_->base, public_url, impl_->catalog, default_state_db);
  if (!door) return door.error();
  std::string what = (*door)->describe();
  const auto& g = impl_->base.gateway;
  auto origins = std::make_shared<const origin_check>(public_url, g.allowed_origins, g.listen_host);
  std::lock_guard lock(impl_->mu);
  impl_->way_in = {std::shared_ptr<front_door>(std::move(*door)), std::move(origins)};
  return what;
}

http::handler gateway::handler() {
  return [i = impl_](http::request req, std::shared_ptr<http::exchange> ex) {
    i->handle(std::move(req), std::move(ex));
  };
}

void gateway::end_all_sessions(int ms) {
  auto all = impl_->sessions->take_all();
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
  return impl_->sessions->size();
}

}  // namespace parley
