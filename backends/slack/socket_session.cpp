#include "backends/slack/socket_session.hpp"

#include <algorithm>

#include "backends/slack/channel_history.hpp"
#include "backends/slack/slack_ts.hpp"
#include "src/json/document.hpp"
#include "src/json/writer.hpp"
#include "src/util/backoff.hpp"
#include "src/util/log.hpp"

namespace parley::slack {

namespace {

using namespace std::chrono_literals;

constexpr const char* component = "slack";
/// Slack's envelopes are a few KiB; a message's text is at most 40000
/// characters. Anything far bigger is not Slack's and is not parsed.
constexpr std::size_t max_frame_bytes = 1 << 20;
constexpr auto hello_timeout = 10s;
constexpr auto receive_slice = 250ms;

std::string ack_of(std::string_view envelope_id) {
  json::writer w;
  w.begin_object().key("envelope_id").value(envelope_id).end_object();
  return std::move(w).take();
}

}  // namespace

socket_session::socket_session(slack_api& api, const bot_identity& self, health_listener on_health)
    : api_(api), self_(self), on_health_(std::move(on_health)) {}

socket_session::~socket_session() {
  stop();
}

result<void> socket_session::ensure_started(std::chrono::milliseconds wait) {
  std::unique_lock lock(mu_);
  if (!started_) {
    started_ = true;
    thread_ = std::thread([this] { run(); });
  }
  cv_.wait_for(lock, wait,
               [&] { return connected_ || start_error_.has_value() || stopping_.load(); });
  if (start_error_) return *start_error_;
  if (sessions_.load() == 0)
    return fail(errc::backend_unavailable, "Slack Socket Mode → no connection within " +
                                               std::to_string(wait.count()) + " ms; still trying");
  return {};
}

void socket_session::stop() {
  stopping_ = true;
  {
    std::lock_guard lock(mu_);
    if (conn_ != nullptr) conn_->close();
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

std::uint64_t socket_session::add(const std::string& channel, const std::string& topic,
                                  const std::string& after_ts, subscription_sink& sink) {
  std::lock_guard lock(mu_);
  const auto id = ++next_id_;
  listeners_.push_back({id, channel, topic, &sink, after_ts});
  return id;
}

void socket_session::remove(std::uint64_t id) {
  std::lock_guard lock(mu_);
  listeners_.erase(std::remove_if(listeners_.begin(), listeners_.end(),
                                  [id](const listener& l) { return l.id == id; }),
                   listeners_.end());
}

void socket_session::clear() {
  std::lock_guard lock(mu_);
  listeners_.clear();
}

void socket_session::report(health h, const std::string& why) {
  if (on_health_) on_health_(h, why);
}

void socket_session::wait(std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, d, [&] { return stopping_.load(); });
}

void socket_session::run() {
  backoff delays(200ms, 5000ms);
  while (!stopping_) {
    auto conn = open();
    if (!conn) {
      if (start_error_) return;  // credentials: retrying cannot help
      wait(delays.next());
      continue;
    }
    const int before = sessions_.load();
    const ending how = serve(*conn);
    {
      std::lock_guard lock(mu_);
      conn_ = nullptr;
      connected_ = false;
    }
    if (how == ending::stopping || stopping_) break;
    report(health::retrying,
           how == ending::disconnect ? "Slack asked to reconnect" : "Slack Socket Mode closed");
    if (sessions_.load() > before) delays.reset();  // it was up: the next loss starts short again
    wait(delays.next());
  }
}

std::unique_ptr<ws::ws_connection> socket_session::open() {
  auto url = api_.open_connection();
  if (!url) {
    if (url.error().code == errc::bad_credentials || url.error().code == errc::invalid_config) {
      {
        std::lock_guard lock(mu_);
        start_error_ = url.error();
        cv_.notify_all();
      }
      report(health::failed, url.error().message);
      return nullptr;
    }
    if (url.error().code != errc::not_connected)
      log::warn(component, url.error().message + "; retrying");
    report(health::retrying, url.error().message);
    return nullptr;
  }
  ws::ws_settings settings;
  settings.label = "Slack Socket Mode";
  auto conn = ws::ws_connection::open(*url, settings);
  if (!conn) {
    log::warn(component, conn.error().message + "; retrying");
    report(health::retrying, conn.error().message);
    return nullptr;
  }
  std::lock_guard lock(mu_);
  if (stopping_) return nullptr;
  conn_ = conn->get();
  return std::move(*conn);
}

bool socket_session::await_hello(ws::ws_connection& conn) {
  const auto deadline = std::chrono::steady_clock::now() + hello_timeout;
  while (!stopping_ && std::chrono::steady_clock::now() < deadline) {
    auto frame = conn.receive(receive_slice);
    if (!frame) return false;
    if (!*frame) continue;
    auto doc = json::document::parse(**frame, "a Socket Mode frame", json::lenient_object);
    if (doc && json::text_of(doc->object(), "type") == "hello") return true;
    log::warn(component, "Socket Mode: a frame before hello, skipped");
  }
  if (!stopping_) log::warn(component, "Socket Mode: no hello within 10 s; reconnecting");
  return false;
}

socket_session::ending socket_session::serve(ws::ws_connection& conn) {
  if (!await_hello(conn)) return stopping_ ? ending::stopping : ending::closed;
  const bool reconnect = sessions_.fetch_add(1) > 0;
  {
    std::lock_guard lock(mu_);
    connected_ = true;
    cv_.notify_all();
  }
  // After hello, so that a subscription added from here on is covered by
  // the socket, and every one added before by the fill. Events that come
  // meanwhile wait in the connection's queue and are routed after it.
  if (reconnect) fill_gaps();
  report(health::connected, "Slack Socket Mode connected");
  while (!stopping_) {
    auto frame = conn.receive(receive_slice);
    if (!frame) {
      if (stopping_) return ending::stopping;
      const auto closed = conn.closed();
      log::info(component, "Socket Mode closed (" + std::to_string(closed ? closed->code : 1006) +
                               "); reconnecting");
      return ending::closed;
    }
    if (!*frame) continue;
    const ending how = on_frame(conn, **frame);
    if (how != ending::keep_going) return how;
  }
  return ending::stopping;
}

socket_session::ending socket_session::on_frame(ws::ws_connection& conn, const std::string& frame) {
  if (frame.size() > max_frame_bytes) {
    log::warn(component,
              "Socket Mode: skipped a frame of " + std::to_string(frame.size()) + " bytes");
    return ending::keep_going;
  }
  auto doc = json::document::parse(frame, "a Socket Mode frame", json::lenient_object);
  if (!doc) {
    log::warn(component, "Socket Mode: skipped a frame that is not a JSON object");
    return ending::keep_going;
  }
  const simdjson::dom::object root = doc->object();
  // Ack first, whatever follows: Slack resends what is not acked in 3 s.
  const std::string envelope_id = member_text(root, "envelope_id");
  if (!envelope_id.empty()) (void)conn.send(ack_of(envelope_id));
  const std::string type = member_text(root, "type");
  if (type == "disconnect") {
    log::info(component,
              "Socket Mode: disconnect (" + member_text(root, "reason") + "); reconnecting");
    return ending::disconnect;
  }
  if (type != "events_api") {
    if (type != "hello")
      log::debug(component, "Socket Mode: ignored an envelope of type \"" + type + "\"");
    return ending::keep_going;
  }
  if (!simdjson::validate_utf8(frame.data(), frame.size())) {
    log::warn(component, "Socket Mode: skipped an event that is not UTF-8");
    return ending::keep_going;
  }
  simdjson::dom::object event;
  if (root["payload"]["event"].get_object().get(event) != simdjson::SUCCESS) {
    log::warn(component, "Socket Mode: skipped an events_api envelope without payload.event");
    return ending::keep_going;
  }
  route(event);
  return ending::keep_going;
}

void socket_session::route(simdjson::dom::object event) {
  const std::string channel = member_text(event, "channel");
  std::lock_guard lock(mu_);
  bool known = false;
  for (auto& l : listeners_) {
    if (l.channel != channel) continue;
    known = true;
    if (auto m = to_message(event, l.topic, self_)) deliver(l, std::move(*m));
  }
  if (!known && unknown_channels_.insert(channel).second)
    log::info(component, "Socket Mode: events for channel \"" + channel +
                             "\", which no topic subscribes, are skipped");
}

void socket_session::deliver(listener& l, message m) {
  if (!ts_before(l.last_ts, m.backend_msg_id)) return;  // before the subscription, or had already
  l.last_ts = m.backend_msg_id;
  try {
    l.sink->on_message(std::move(m));
  } catch (...) {
    log::warn(component, "a subscriber threw; message dropped for it");
  }
}

void socket_session::fill_gaps() {
  struct want {
    std::uint64_t id;
    std::string channel, topic, after;
  };
  std::vector<want> wants;
  {
    std::lock_guard lock(mu_);
    for (const auto& l : listeners_) wants.push_back({l.id, l.channel, l.topic, l.last_ts});
  }
  for (const auto& w : wants) {
    auto missed = channel_history(api_, w.channel, w.topic, self_).all_after(w.after);
    std::lock_guard lock(mu_);
    auto it = std::find_if(listeners_.begin(), listeners_.end(),
                           [&](const listener& l) { return l.id == w.id; });
    if (it == listeners_.end()) continue;
    if (!missed) {
      log::warn(component, "gap-fill of " + w.topic + " failed: " + missed.error().message);
      it->sink->on_gap();
      continue;
    }
    for (auto& m : *missed) deliver(*it, std::move(m));
  }
}

}  // namespace parley::slack
