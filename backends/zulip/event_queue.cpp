#include "backends/zulip/event_queue.hpp"

#include <algorithm>
#include <utility>

#include "backends/zulip/message_history.hpp"
#include "backends/zulip/zulip_message.hpp"
#include "src/http_client/error_text.hpp"
#include "src/util/log.hpp"

namespace parley::zulip {

namespace {

constexpr const char* component = "zulip";
/// Messages per GET /messages while filling a gap.
constexpr std::size_t gap_page = 500;
/// How much longer than events_timeout_ms the client lets a parked poll run.
constexpr auto poll_grace = std::chrono::milliseconds(5'000);
/// The best-effort DELETE /events at close.
constexpr auto delete_timeout = std::chrono::milliseconds(2'000);

}  // namespace

event_queue::event_queue(const zulip_config& cfg, std::optional<std::string> topic,
                         health_listener on_health)
    : cfg_(cfg), topic_(std::move(topic)), api_(std::make_unique<zulip_api>(cfg)) {
  http::long_poll_loop::options opts;
  opts.backoff_initial = std::chrono::milliseconds(250);
  opts.backoff_cap = std::chrono::milliseconds(10'000);
  loop_ = std::make_unique<http::long_poll_loop>([this] { return step(); }, std::move(on_health), opts);
}

event_queue::~event_queue() {
  api_->stop();
  loop_->stop();
}

result<std::uint64_t> event_queue::open() {
  if (auto r = register_queue(); !r) return r.error();
  auto tail = tail_id();
  if (!tail) return tail.error();
  {
    std::lock_guard lock(mu_);
    last_delivered_ = *tail;
  }
  loop_->start();  // the first GET /events goes out at once
  return *tail;
}

void event_queue::close(zulip_api& api) {
  api_->stop();  // aborts the parked poll
  loop_->stop();
  if (queue_id_.empty()) return;
  http::retry_policy once;
  once.allowed_statuses = {400};
  (void)api.exchange("DELETE", "/events", {{"queue_id", queue_id_}}, once, delete_timeout, false);
}

std::uint64_t event_queue::add(const std::string& topic, std::uint64_t after, subscription_sink& sink) {
  std::lock_guard lock(mu_);
  listeners_.push_back({++next_listener_, topic, after, &sink});
  return next_listener_;
}

bool event_queue::remove(std::uint64_t id) {
  std::lock_guard lock(mu_);
  std::erase_if(listeners_, [&](const listener& l) { return l.id == id; });
  return listeners_.empty();
}

result<std::uint64_t> event_queue::tail_id() {
  return message_history(*api_, cfg_.stream, topic_).tail_id();
}

int event_queue::registrations() const {
  std::lock_guard lock(mu_);
  return registrations_;
}

result<void> event_queue::register_queue() {
  auto a = api_->post_safe("/register", {{"event_types", R"(["message"])"},
                                         {"narrow", queue_narrow(cfg_.stream, topic_)},
                                         {"apply_markdown", "false"}});
  if (!a) return a.error();
  std::int64_t last = -1;
  const std::string id = a->text("queue_id");
  if (id.empty() || a->root()["last_event_id"].get_int64().get(last) != simdjson::SUCCESS)
    return fail(errc::backend_unavailable,
                zulip_api::label("POST", "/register") + " → an answer without queue_id or last_event_id");
  queue_id_ = id;
  last_event_id_ = last;
  std::lock_guard lock(mu_);
  ++registrations_;
  return {};
}

result<void> event_queue::step() {
  auto r = advance();
  // After a failure the next poll does not park, so that health shows the
  // recovery as soon as the server answers, not when a message comes.
  quick_poll_ = !r;
  return r;
}

result<void> event_queue::advance() {
  if (queue_id_.empty()) {
    if (auto r = register_queue(); !r) return r;
    needs_fill_ = true;
  }
  if (needs_fill_) {
    if (auto r = fill_gap(); !r) return r;
    needs_fill_ = false;
    return {};
  }
  return poll();
}

result<void> event_queue::fill_gap() {
  message_history history(*api_, cfg_.stream, topic_);
  for (;;) {
    std::uint64_t from = 0;
    {
      std::lock_guard lock(mu_);
      from = last_delivered_;
    }
    auto p = history.after(from, gap_page);
    if (!p) return p.error();
    dispatch(p->messages);
    if (p->last_id > from) {
      std::lock_guard lock(mu_);
      last_delivered_ = std::max(last_delivered_, p->last_id);
    }
    if (p->found_newest || p->last_id == 0) return {};
  }
}

result<void> event_queue::poll() {
  // Outside the request budget: the server paces a long-poll itself, and a
  // busy topic would otherwise spend the budget posts need.
  http::retry_policy policy;  // a lost poll is simply asked again
  policy.allowed_statuses = {400};
  const auto began = std::chrono::steady_clock::now();
  const bool quick = std::exchange(quick_poll_, false);
  auto r = api_->exchange("GET", "/events",
                          {{"queue_id", queue_id_},
                           {"last_event_id", std::to_string(last_event_id_)},
                           {"dont_block", quick ? "true" : "false"}},
                          policy, cfg_.events_timeout + poll_grace, /*budgeted=*/false);
  if (!r) {
    // A poll Zulip kept parked past our patience is no failure: ask again.
    if (r.error().code == errc::backend_unavailable &&
        std::chrono::steady_clock::now() - began >= cfg_.events_timeout)
      return {};
    return r.error();
  }
  const std::string label = zulip_api::label("GET", "/events");
  auto a = zulip_answer::parse(label, r->body);
  if (!a) return a.error();
  if (r->status == 400) {
    if (a->text("code") == "BAD_EVENT_QUEUE_ID") {
      log::info(component, "the event queue expired on the server; registering a new one and "
                           "filling the gap from history");
      queue_id_.clear();
      return {};
    }
    return fail(errc::invalid_argument, label + " → 400: " + http::body_excerpt(r->body));
  }
  return take_events(a->root());
}

result<void> event_queue::take_events(simdjson::dom::object root) {
  simdjson::dom::array events;
  if (root["events"].get_array().get(events) != simdjson::SUCCESS)
    return fail(errc::backend_unavailable, zulip_api::label("GET", "/events") + " → an answer without events");
  std::vector<message> batch;
  for (auto el : events) {
    simdjson::dom::object ev;
    std::int64_t id = 0;
    if (el.get_object().get(ev) != simdjson::SUCCESS || ev["id"].get_int64().get(id) != simdjson::SUCCESS) {
      log::warn(component, "skipped an event without an id");
      continue;
    }
    last_event_id_ = std::max(last_event_id_, id);
    const std::string type = member_text(ev, "type");
    if (type == "heartbeat") continue;
    simdjson::dom::object msg;
    if (type != "message" || ev["message"].get_object().get(msg) != simdjson::SUCCESS) {
      log::info(component, "skipped an event of type \"" + type + "\"");
      continue;
    }
    auto m = to_message(msg, "");
    if (!m) {
      log::warn(component, "skipped a message event that is not a usable stream message");
      continue;
    }
    batch.push_back(std::move(*m));
  }
  dispatch(batch);
  return {};
}

void event_queue::dispatch(const std::vector<message>& batch) {
  std::lock_guard lock(mu_);
  for (const auto& m : batch) {
    const auto id = *parse_id(m.backend_msg_id);
    if (id <= last_delivered_) continue;  // the gap fill had it already
    last_delivered_ = id;
    for (const auto& l : listeners_) {
      if (id <= l.after || !same_topic(l.topic, m.topic)) continue;
      message copy = m;
      copy.topic = l.topic;
      l.sink->on_message(std::move(copy));
    }
  }
}

}  // namespace parley::zulip
