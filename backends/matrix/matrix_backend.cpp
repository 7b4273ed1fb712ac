#include "backends/matrix/matrix_backend.hpp"

#include <algorithm>

#include "backends/matrix/room_alias.hpp"
#include "backends/matrix/room_event.hpp"
#include "backends/matrix/room_history.hpp"
#include "src/seam/registry.hpp"
#include "src/seam/typed_connect.hpp"
#include "src/util/log.hpp"

namespace parley::matrix {

namespace {

constexpr const char* component = "matrix";
/// A homeserver refuses events over 64 KiB (the whole event, envelope and
/// signatures included); this leaves room for them.
constexpr std::size_t max_body_bytes = 60000;

const backend_registrar registration{"matrix", {"local-matrix"}, [] { return std::make_unique<matrix_backend>(); }};

}  // namespace

/// One subscriber; cancel() unregisters it from the sync feed.
class matrix_backend::room_subscription final : public subscription {
 public:
  room_subscription(sync_feed& feed, std::uint64_t id) : feed_(&feed), id_(id) {}
  ~room_subscription() override { cancel(); }
  void cancel() override {
    if (feed_ == nullptr) return;
    feed_->remove(id_);
    feed_ = nullptr;
  }

 private:
  sync_feed* feed_;
  std::uint64_t id_;
};

matrix_backend::matrix_backend() {
  caps_.native_long_poll = false;
  caps_.cross_process_live = true;
  caps_.sender_is_identity = false;
  caps_.stores_in_reply_to = true;
  caps_.max_content_bytes = max_body_bytes;
  caps_.zero_cursor = "";
}

matrix_backend::~matrix_backend() { disconnect(); }

const parley::capabilities& matrix_backend::capabilities() const noexcept { return caps_; }

void matrix_backend::set_health_listener(health_listener listener) { health_listener_ = std::move(listener); }

result<void> matrix_backend::connect(const config::value& backend_config) {
  return connect_typed<matrix_config>(*this, backend_config, "Matrix");
}

result<void> matrix_backend::connect(const matrix_config& cfg) {
  cfg_ = cfg;
  caps_.sender_is_identity = cfg_.appservice.has_value();
  if (!cfg_.appservice && !cfg_.token_login() && cfg_.default_password)
    log::warn(component, "SECURITY: connecting with the built-in default password ('parleypass'); set "
                         "backend_config.password or $PARLEY_MATRIX_PASSWORD (or use access_token)");
  if (cfg_.shared_room)
    log::warn(component, "shared_room is for tests: any room member can forge the app.parley.topic tag");
  api_ = std::make_unique<matrix_api>(cfg_);
  if (auto in = api_->login(); !in) {
    api_.reset();
    return in.error();
  }
  feed_ = std::make_unique<sync_feed>(*api_, cfg_, [this](health h, const std::string& why) {
    if (health_listener_) health_listener_(h, why);
  });
  if (auto pos = feed_->position(); !pos) {
    feed_.reset();
    api_.reset();
    return pos.error();
  }
  if (auto listening = start_listener(); !listening) {
    disconnect();
    return listening.error();
  }
  feed_->start();
  return {};
}

result<void> matrix_backend::start_listener() {
  if (!cfg_.appservice || cfg_.appservice->listen_host.empty()) return {};
  inbox_ = std::make_unique<transaction_inbox>(
      cfg_.appservice->hs_token,
      [this](const std::string& room, std::vector<room_event> events) { feed_->push(room, std::move(events)); });
  auto server = transaction_server::start(cfg_.appservice->listen_host, cfg_.appservice->listen_port,
                                          [this](const inbound_request& r) { return inbox_->handle(r); });
  if (!server) return server.error();
  listener_ = std::move(*server);
  return {};
}

int matrix_backend::transaction_port() const noexcept { return listener_ ? listener_->port() : 0; }

void matrix_backend::disconnect() {
  listener_.reset();  // no transaction is handed on after this
  if (feed_) feed_->clear();
  if (api_) api_->stop();
  if (feed_) feed_->stop();
}

const std::string& matrix_backend::user_id() const noexcept {
  static const std::string none;
  return api_ ? api_->user_id() : none;
}

std::string matrix_backend::alias_of(const std::string& topic) const {
  return room_alias(alias_localpart(topic, cfg_.shared_room), cfg_.server_name);
}

result<std::string> matrix_backend::room_of(const std::string& topic) {
  if (!api_) return fail(errc::not_connected, "the Matrix backend is not connected");
  {
    std::lock_guard lock(rooms_mu_);
    if (auto it = rooms_.find(topic); it != rooms_.end()) return it->second;
  }
  auto room = api_->resolve_room(alias_of(topic), alias_localpart(topic, cfg_.shared_room));
  if (!room) return room.error();
  std::lock_guard lock(rooms_mu_);
  rooms_.emplace(topic, *room);
  return *room;
}

result<std::unique_ptr<subscription>> matrix_backend::subscribe(const std::string& topic, subscription_sink& sink) {
  auto room = room_of(topic);
  if (!room) return room.error();
  auto id = feed_->add(*room, topic, sink);
  if (!id) return id.error();
  return std::unique_ptr<subscription>(std::make_unique<room_subscription>(*feed_, *id));
}

result<stored_post> matrix_backend::post(const post_request& req) {
  if (req.content.size() > max_body_bytes)
    return fail(errc::payload_too_large, "a Matrix message holds at most " + std::to_string(max_body_bytes) +
                                             " bytes; this one has " + std::to_string(req.content.size()));
  auto room = room_of(req.topic);
  if (!room) return room.error();
  std::optional<std::string> as_user, sender_tag;
  if (cfg_.appservice && !req.identity.empty()) {
    auto user = poster_in(req.identity, *room);
    if (!user) return user.error();
    as_user = *user;
    sender_tag = req.identity;
  }
  auto id = api_->send(*room, message_content(req.content, req.topic, req.in_reply_to, sender_tag), as_user);
  if (!id) return id.error();
  // The timestamp is the server's: read the event back so that what post
  // returns equals what fetch and live delivery report.
  auto ev = room_history(*api_, *room, req.topic, cfg_.shared_room.has_value(), cfg_.server_name).event(*id);
  if (!ev) return ev.error();
  return stored_post{to_message(*ev, req.topic, cfg_.server_name), std::nullopt};
}

result<std::string> matrix_backend::poster_in(const std::string& handle, const std::string& room_id) {
  const std::string localpart = user_localpart(handle);
  const std::string user = "@" + localpart + ":" + cfg_.server_name;
  bool registered = false, joined = false;
  {
    std::lock_guard lock(rooms_mu_);
    registered = registered_.count(user) > 0;
    joined = joined_.count({user, room_id}) > 0;
  }
  if (!registered) {
    auto r = api_->register_user(localpart);
    if (!r) return r.error();
    std::lock_guard lock(rooms_mu_);
    registered_.insert(user);
  }
  if (!joined) {
    auto j = api_->join_as(room_id, user);
    if (!j) return j.error();
    std::lock_guard lock(rooms_mu_);
    joined_.insert({user, room_id});
  }
  return user;
}

result<page> matrix_backend::fetch_recent(const fetch_request& req) {
  const std::size_t limit = std::min(req.limit, caps_.max_page);
  if (req.since && !req.since->text.empty() && req.since->text.front() != '$')
    return fail(errc::malformed_cursor,
                "cursor \"" + req.since->text + "\" of topic \"" + req.topic + "\" is not a Matrix event id");
  if (limit == 0) {
    page empty;
    empty.next_cursor = req.since.value_or(cursor{caps_.zero_cursor});
    return empty;
  }
  auto room = room_of(req.topic);
  if (!room) return room.error();
  room_history history(*api_, *room, req.topic, cfg_.shared_room.has_value(), cfg_.server_name);
  return req.since ? history.after(req.since->text, limit) : history.newest(limit);
}

result<identity_ref> matrix_backend::resolve_identity(const std::string& handle) {
  return identity_ref{handle, handle};
}

}  // namespace parley::matrix
