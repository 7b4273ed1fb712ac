#include "actors/gateway/session_table.hpp"

#include <openssl/rand.h>
#include <caf/all.hpp>

#include "actors/mcp_session/mcp_session.hpp"
#include "actors/messages.hpp"
#include "src/state/read_state.hpp"
#include "src/util/hex.hpp"
#include "src/util/log.hpp"

namespace parley {

namespace {

using clock_type = std::chrono::steady_clock;
using streamable_http::json_error;

std::string random_session_id() {
  // 128 random bits: session ids are capabilities within a token's scope.
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) std::abort();
  return to_hex(bytes, sizeof bytes);
}

}  // namespace

session_table::session_table(const parley_config& cfg, gateway_runtime rt,
                             std::shared_ptr<const profile_catalog> catalog,
                             std::shared_ptr<owner_quota> quota)
    : cfg_(cfg.gateway),
      base_(cfg),
      rt_(std::move(rt)),
      catalog_(std::move(catalog)),
      quota_(std::move(quota)) {}

std::variant<std::shared_ptr<streamable_http::session>, http::response> session_table::open(
    const principal& who) {
  {
    std::lock_guard lock(mu_);
    if (sessions_.size() >= static_cast<std::size_t>(cfg_.max_sessions))
      return json_error(503, -32000, "Service Unavailable: too many sessions");
  }
  const auto* entry = catalog_->find(who.owner, who.profile_name);
  if (!entry) return json_error(500, -32603, "Internal error");
  if (!quota_->open_session(who.owner))
    return json_error(429, -32000,
                      "Too Many Requests: this owner already holds its maximum of sessions");
  return create(who, *entry);
}

session_spec session_table::spec_for(const hosted_session& s, const principal& who,
                                     const catalog_entry& entry) {
  const gateway_profile& gp = entry.config;
  const std::string& digest = who.key;
  session_spec spec;
  spec.id = s.number;
  spec.profile = who.profile;
  spec.output = s.output;
  spec.live_push = gp.live_push;
  // Read cursors outlive HTTP sessions: a client that comes back with the
  // same credential is pushed what it missed, as a restarted stdio session
  // is. Keyed by profile and token, never shared between credentials.
  spec.read_state_path = read_state_store::default_path(
      base_.state_path ? std::optional<std::string>(*base_.state_path + "." + gp.name + "." +
                                                    digest.substr(0, 16))
                       : std::nullopt,
      "gateway@" + gp.name + "@" + digest.substr(0, 16));
  spec.read_cursors = read_state_store(spec.read_state_path).load();
  spec.presence = gp.presence;
  spec.presence_topic = entry.presence_topic;
  spec.max_input_bytes = cfg_.max_body_bytes;
  if (gp.nats_agent && rt_.nats_agents)
    spec.spawn_nats_agent = rt_.nats_agents(gp, entry.owner, [weak = weak_from_this(), id = s.id] {
      if (auto self = weak.lock()) self->end(id);
    });
  return spec;
}

std::shared_ptr<hosted_session> session_table::create(const principal& who,
                                                      const catalog_entry& entry) {
  auto s = std::make_shared<hosted_session>();
  s->owner = entry.owner;
  s->id = random_session_id();
  s->number = next_number_++;
  s->output =
      std::make_shared<http_session_output>(static_cast<std::size_t>(cfg_.replay_events),
                                            static_cast<std::size_t>(cfg_.max_backlog_bytes));
  s->principal_key = who.key;
  s->actor = spawn_mcp_session(*rt_.sys,
                               make_session_settings(base_, rt_.shared, spec_for(*s, who, entry)));
  // However the session ends (DELETE, expiry, a failure), forget it and
  // answer whatever still waits on it, so no HTTP request hangs.
  s->actor->attach_functor(
      [weak = weak_from_this(), id = s->id, owner = s->owner, out = s->output](const caf::error&) {
        out->close();
        if (auto self = weak.lock()) {
          self->quota_->close_session(owner);
          std::lock_guard lock(self->mu_);
          self->sessions_.erase(id);
        }
      });
  ++created_;
  std::lock_guard lock(mu_);
  sessions_[s->id] = s;
  return s;
}

std::shared_ptr<hosted_session> session_table::find(const std::string& id,
                                                    const std::string& principal_key) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(id);
  // A session is bound to the credential that opened it.
  if (it == sessions_.end() || it->second->principal_key != principal_key) return nullptr;
  it->second->last_activity = clock_type::now();
  return it->second;
}

void session_table::end(const std::shared_ptr<hosted_session>& s) {
  {
    std::lock_guard lock(mu_);
    sessions_.erase(s->id);
  }
  s->output->close();
  caf::anon_send(s->actor, shutdown_request{"session ended"});
}

void session_table::end(const std::string& id) {
  std::shared_ptr<hosted_session> s;
  {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return;
    s = it->second;
  }
  end(s);
}

void session_table::expire_idle() {
  const auto cutoff = clock_type::now() - std::chrono::seconds(cfg_.session_idle_timeout_s);
  std::vector<std::shared_ptr<hosted_session>> idle;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, s] : sessions_)
      if (s->last_activity < cutoff && !s->output->busy()) idle.push_back(s);
  }
  for (const auto& s : idle) {
    log::info("gateway", "session " + s->id.substr(0, 8) + "… expired after idling");
    end(s);
  }
}

std::vector<std::shared_ptr<hosted_session>> session_table::take_all() {
  std::vector<std::shared_ptr<hosted_session>> all;
  std::lock_guard lock(mu_);
  for (auto& [id, s] : sessions_) all.push_back(s);
  sessions_.clear();
  return all;
}

std::size_t session_table::size() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

std::uint64_t session_table::dropped_events() const {
  std::uint64_t dropped = 0;
  std::lock_guard lock(mu_);
  for (const auto& [id, s] : sessions_) dropped += s->output->dropped();
  return dropped;
}

}  // namespace parley
