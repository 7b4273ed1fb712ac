#include "backends/xmpp/xmpp_backend.hpp"

#include <algorithm>
#include <future>

#include "backends/xmpp/room_names.hpp"
#include "src/seam/registry.hpp"
#include "src/seam/typed_connect.hpp"
#include "src/util/iso_time.hpp"
#include "src/util/log.hpp"
#include "src/util/sigpipe.hpp"

namespace parley::xmpp {

namespace {

constexpr const char* component = "xmpp";
/// Archive results asked for per query; servers cap it lower (Prosody: 50 by
/// default) and say so with an incomplete page, which we then page on.
constexpr std::size_t archive_page_size = 200;

const backend_registrar registration{"xmpp", {"local-xmpp"}, [] { return std::make_unique<xmpp_backend>(); }};

/// Runs `start` (which hands the link a callback) and waits for its answer.
template <class T, class Start>
result<T> await(Start&& start, std::int64_t timeout_ms) {
  auto promise = std::make_shared<std::promise<result<T>>>();
  auto future = promise->get_future();
  start([promise](result<T> r) { promise->set_value(std::move(r)); });
  // The link answers every request within its own timeout; this bound only
  // guards against a link that died.
  if (future.wait_for(std::chrono::milliseconds(timeout_ms + 5000)) != std::future_status::ready)
    return fail(errc::backend_unavailable, "the XMPP connection did not answer");
  return future.get();
}

}  // namespace

/// One subscriber of one room; cancel() unregisters it.
class xmpp_backend::room_subscription final : public subscription {
 public:
  room_subscription(xmpp_backend& owner, std::string room, subscription_sink& sink)
      : owner_(&owner), room_(std::move(room)), sink_(&sink) {}
  ~room_subscription() override { cancel(); }
  void cancel() override {
    if (owner_ == nullptr) return;
    owner_->unsubscribe(room_, sink_);
    owner_ = nullptr;
  }

 private:
  xmpp_backend* owner_;
  std::string room_;
  subscription_sink* sink_;
};

xmpp_backend::xmpp_backend() {
  caps_.native_long_poll = false;
  caps_.cross_process_live = true;
  caps_.sender_is_identity = false;
  caps_.stores_in_reply_to = true;
  caps_.zero_cursor = "";
}

xmpp_backend::~xmpp_backend() { disconnect(); }

const parley::capabilities& xmpp_backend::capabilities() const noexcept { return caps_; }

void xmpp_backend::set_health_listener(health_listener listener) { health_listener_ = std::move(listener); }

result<void> xmpp_backend::connect(const config::value& backend_config) {
  return connect_typed<xmpp_config>(*this, backend_config, "XMPP");
}

result<void> xmpp_backend::connect(const xmpp_config& cfg) {
  cfg_ = cfg;
  // libstrophe writes with send(2) without MSG_NOSIGNAL (flags 0 in 0.12.2).
  ignore_sigpipe_once();
  // Room for the envelope around the body: names, ids, our extension.
  caps_.max_content_bytes = static_cast<std::size_t>(cfg_.max_stanza_bytes) - 1024;
  if (cfg_.default_password)
    log::warn(component, "SECURITY: connecting with the built-in default password ('parleypass'); set "
                         "backend_config.password or $PARLEY_XMPP_PASSWORD");
  xmpp_link::events ev;
  ev.health_changed = [this](health h, const std::string& why) {
    if (health_listener_) health_listener_(h, why);
  };
  ev.live = [this](const room_message& m) { deliver(m); };
  ev.reentered = [this](const std::string& room) { report_gap(room); };
  link_ = std::make_unique<xmpp_link>(cfg_, std::move(ev));
  auto started = link_->start();
  if (!started) link_.reset();
  return started;
}

void xmpp_backend::disconnect() {
  {
    std::lock_guard lock(listeners_mu_);
    listeners_.clear();
  }
  if (link_) link_->stop();
}

std::string xmpp_backend::room_of(const std::string& topic) const { return room_jid(topic, cfg_.muc_service); }

result<void> xmpp_backend::enter(const std::string& room) {
  if (!link_) return fail(errc::not_connected, "the XMPP backend is not connected");
  return await<void>([&](auto done) { link_->enter(room, std::move(done)); }, cfg_.timeout_ms);
}

result<std::unique_ptr<subscription>> xmpp_backend::subscribe(const std::string& topic, subscription_sink& sink) {
  const auto room = room_of(topic);
  if (!link_) return fail(errc::not_connected, "the XMPP backend is not connected");
  // Listen before entering: a person who sees us enter and speaks at once
  // is heard, not lost between our presence and our listener.
  {
    std::lock_guard lock(listeners_mu_);
    listeners_[room].push_back({topic, &sink});
  }
  link_->keep(room, true);
  if (auto entered = enter(room); !entered) {
    unsubscribe(room, &sink);
    return entered.error();
  }
  return std::unique_ptr<subscription>(std::make_unique<room_subscription>(*this, room, sink));
}

void xmpp_backend::unsubscribe(const std::string& room, subscription_sink* sink) {
  std::lock_guard lock(listeners_mu_);
  auto it = listeners_.find(room);
  if (it == listeners_.end()) return;
  auto& v = it->second;
  v.erase(std::remove_if(v.begin(), v.end(), [sink](const room_listener& l) { return l.sink == sink; }), v.end());
  if (v.empty()) {
    listeners_.erase(it);
    if (link_) link_->keep(room, false);
  }
}

void xmpp_backend::deliver(const room_message& m) {
  std::lock_guard lock(listeners_mu_);
  auto it = listeners_.find(m.room);
  if (it == listeners_.end()) return;
  for (auto& l : it->second) l.sink->on_message(to_message(m, l.topic));
}

void xmpp_backend::report_gap(const std::string& room) {
  std::lock_guard lock(listeners_mu_);
  auto it = listeners_.find(room);
  if (it == listeners_.end()) return;
  for (auto& l : it->second) l.sink->on_gap();
}

result<stored_post> xmpp_backend::post(const post_request& req) {
  const auto room = room_of(req.topic);
  if (auto entered = enter(room); !entered) return entered.error();
  outgoing_post p;
  p.room = room;
  p.content = req.content;
  p.timestamp = iso8601_now();
  p.reply_to = req.in_reply_to;
  auto reflected =
      await<room_message>([&](auto done) { link_->post(std::move(p), std::move(done)); }, cfg_.timeout_ms);
  if (!reflected) return reflected.error();
  return stored_post{to_message(*reflected, req.topic), std::nullopt};
}

result<archive_result> xmpp_backend::query(const std::string& room, const archive_page& page) {
  return await<archive_result>([&](auto done) { link_->query(room, page, std::move(done)); }, cfg_.timeout_ms);
}

result<page> xmpp_backend::fetch_recent(const fetch_request& req) {
  const std::size_t limit = std::min(req.limit, caps_.max_page);
  if (limit == 0) {
    page empty;
    empty.next_cursor = req.since.value_or(cursor{caps_.zero_cursor});
    return empty;
  }
  const auto room = room_of(req.topic);
  if (auto entered = enter(room); !entered) return entered.error();
  return req.since ? fetch_after(req, room, limit) : fetch_newest(req, room, limit);
}

/// The newest `limit` messages: the archive's last page, then the pages
/// before it until there are enough.
result<page> xmpp_backend::fetch_newest(const fetch_request& req, const std::string& room, std::size_t limit) {
  std::vector<room_message> newest;
  archive_page ask;
  ask.last_page = true;
  while (newest.size() < limit) {
    ask.max = std::min(archive_page_size, limit - newest.size());
    auto got = query(room, ask);
    if (!got) return got.error();
    newest.insert(newest.begin(), got->messages.begin(), got->messages.end());
    if (got->complete || got->messages.empty()) break;
    ask.before_id = got->messages.front().stanza_id;
  }
  page out;
  for (auto& m : newest) out.messages.push_back(to_message(m, req.topic));
  out.next_cursor = out.messages.empty() ? cursor{caps_.zero_cursor} : out.messages.back().cursor;
  return out;
}

/// Up to `limit` messages strictly after `since` ("" is before the first).
result<page> xmpp_backend::fetch_after(const fetch_request& req, const std::string& room, std::size_t limit) {
  page out;
  archive_page ask;
  if (!req.since->text.empty()) ask.after = req.since->text;
  while (out.messages.size() < limit) {
    ask.max = std::min(archive_page_size, limit - out.messages.size());
    auto got = query(room, ask);
    if (!got) {
      if (got.error().code == errc::malformed_cursor)
        return fail(errc::malformed_cursor, "cursor \"" + req.since->text + "\" of topic \"" + req.topic +
                                                "\" is not in the archive of " + room);
      return got.error();
    }
    for (auto& m : got->messages) out.messages.push_back(to_message(m, req.topic));
    if (got->complete || got->messages.empty()) break;
    ask.after = got->messages.back().stanza_id;
  }
  out.next_cursor = out.messages.empty() ? *req.since : out.messages.back().cursor;
  return out;
}

result<identity_ref> xmpp_backend::resolve_identity(const std::string& handle) { return identity_ref{handle, handle}; }

}  // namespace parley::xmpp
