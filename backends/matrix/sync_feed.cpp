#include "backends/matrix/sync_feed.hpp"

#include <algorithm>

#include "src/util/log.hpp"

namespace parley::matrix {

namespace {

constexpr const char* component = "matrix";
constexpr std::size_t backfill_page = 100;
constexpr int backfill_pages = 50;
/// Event ids remembered per room: enough to tell, while a subscription
/// begins, whether the loop already passed the room's newest event.
constexpr std::size_t seen_per_room = 1024;

}  // namespace

std::string sync_filter(std::int64_t timeline_limit) {
  return R"({"room":{"timeline":{"limit":)" + std::to_string(timeline_limit) +
         R"(},"ephemeral":{"limit":0},"account_data":{"limit":0},"state":{"limit":0,"lazy_load_members":true}},)"
         R"("presence":{"limit":0},"account_data":{"limit":0}})";
}

sync_feed::sync_feed(matrix_api& api, const matrix_config& cfg, health_listener on_health)
    : api_(api),
      shared_room_(cfg.shared_room.has_value()),
      server_name_(cfg.server_name),
      sync_timeout_ms_(cfg.sync_timeout_ms),
      live_filter_(sync_filter(cfg.sync_timeline_limit)) {
  http::long_poll_loop::options opts;
  opts.backoff_initial = std::chrono::milliseconds(200);
  opts.backoff_cap = std::chrono::milliseconds(10'000);
  loop_ = std::make_unique<http::long_poll_loop>([this] { return step(); }, std::move(on_health), opts);
}

sync_feed::~sync_feed() { stop(); }

result<void> sync_feed::position() {
  auto doc = api_.sync(sync_filter(0), std::nullopt, 0);
  if (!doc) return doc.error();
  auto next = json::text_of(doc->object(), "next_batch");
  if (!next) return fail(errc::backend_unavailable, "Matrix GET /sync answered without next_batch");
  std::lock_guard lock(mu_);
  since_ = *next;
  return {};
}

void sync_feed::start() { loop_->start(); }

void sync_feed::stop() {
  if (loop_) loop_->stop();
}

result<void> sync_feed::step() {
  std::string since;
  {
    std::lock_guard lock(mu_);
    since = since_;
  }
  auto doc = api_.sync(live_filter_, since, sync_timeout_ms_);
  if (!doc) return failed(doc.error());
  auto next = json::text_of(doc->object(), "next_batch");
  if (!next) return failed(fail(errc::backend_unavailable, "Matrix GET /sync answered without next_batch"));
  auto batches = read_rooms(doc->object(), since);
  if (!batches) return failed(batches.error());
  std::lock_guard lock(mu_);
  for (const auto& b : *batches) dispatch(b, recovering_);
  if (recovering_) {  // rooms without news get their gap too
    for (auto& l : listeners_)
      if (!l.boundary && std::none_of(batches->begin(), batches->end(),
                                      [&](const room_batch& b) { return b.room_id == l.room_id; }))
        l.sink->on_gap();
  }
  recovering_ = false;
  since_ = *next;
  return {};
}

error sync_feed::failed(error e) {
  // One line per failed sync; the loop backs off before the next.
  if (e.code != errc::not_connected) {
    log::warn(component, "sync failed, backing off: " + e.message);
    recovering_ = true;
  }
  return e;
}

bool sync_feed::has_listeners(const std::string& room_id) {
  std::lock_guard lock(mu_);
  return std::any_of(listeners_.begin(), listeners_.end(), [&](const listener& l) { return l.room_id == room_id; });
}

result<std::vector<sync_feed::room_batch>> sync_feed::read_rooms(simdjson::dom::object root, const std::string& since) {
  std::vector<room_batch> out;
  auto rooms = json::object_of(root, "rooms");
  if (!rooms) return out;
  simdjson::dom::element join_el;
  if ((*rooms)["join"].get(join_el) != simdjson::SUCCESS) return out;
  simdjson::dom::object join;
  if (join_el.get_object().get(join) != simdjson::SUCCESS)
    return fail(errc::backend_unavailable, "Matrix GET /sync answered with rooms.join that is not an object");
  for (auto [key, value] : join) {
    room_batch b;
    b.room_id = std::string(key);
    simdjson::dom::object room, timeline;
    simdjson::dom::array events;
    if (value.get_object().get(room) != simdjson::SUCCESS || room["timeline"].get_object().get(timeline) ||
        timeline["events"].get_array().get(events)) {
      log::warn(component, "sync: skipping room " + b.room_id + " without a readable timeline");
      continue;
    }
    std::size_t skipped = 0;
    b.events = read_events(events, skipped);
    if (skipped > 0) log::warn(component, "sync: skipped " + std::to_string(skipped) + " unreadable event(s) in " + b.room_id);
    bool limited = false;
    if (timeline["limited"].get_bool().get(limited) != simdjson::SUCCESS) limited = false;
    auto prev = json::text_of(timeline, "prev_batch");
    if (limited && has_listeners(b.room_id)) {
      std::vector<room_event> older;
      b.gap = !prev || !backfill(b.room_id, *prev, since, older);
      older.insert(older.end(), std::make_move_iterator(b.events.begin()), std::make_move_iterator(b.events.end()));
      b.events = std::move(older);
    }
    out.push_back(std::move(b));
  }
  return out;
}

bool sync_feed::backfill(const std::string& room_id, const std::string& prev_batch, const std::string& since,
                         std::vector<room_event>& out) {
  std::vector<room_event> newest_first;
  messages_query q;
  q.dir = 'b';
  q.from = prev_batch;
  q.to = since;
  q.limit = backfill_page;
  for (int i = 0; i < backfill_pages; ++i) {
    auto doc = api_.messages(room_id, q);
    if (!doc) {
      log::warn(component, "sync: backfill of " + room_id + " failed: " + doc.error().message);
      return false;
    }
    auto chunk = json::array_of(doc->object(), "chunk");
    std::size_t skipped = 0;
    auto events = chunk ? read_events(*chunk, skipped) : std::vector<room_event>{};
    newest_first.insert(newest_first.end(), events.begin(), events.end());
    auto end = json::text_of(doc->object(), "end");
    if (events.empty() || !end) {
      out.assign(newest_first.rbegin(), newest_first.rend());
      return true;
    }
    q.from = *end;
  }
  log::warn(component, "sync: backfill of " + room_id + " gave up after " + std::to_string(backfill_pages) + " pages");
  out.assign(newest_first.rbegin(), newest_first.rend());
  return false;
}

void sync_feed::dispatch(const room_batch& b, bool recovered) {
  for (auto& l : listeners_)
    if (l.room_id == b.room_id && !l.boundary && (recovered || b.gap)) l.sink->on_gap();
  for (const auto& ev : b.events) {
    if (!remember(b.room_id, ev.event_id)) continue;  // the other source had it
    note_unusable(ev);
    for (auto& l : listeners_) {
      if (l.room_id != b.room_id) continue;
      if (l.boundary) {
        if (*l.boundary == ev.event_id) l.boundary.reset();
        continue;
      }
      if (belongs(ev, l.topic, shared_room_)) l.sink->on_message(to_message(ev, l.topic, server_name_));
    }
  }
  // A gap may have swallowed a boundary: deliver from here on, the gap told.
  if (b.gap)
    for (auto& l : listeners_)
      if (l.room_id == b.room_id && l.boundary) {
        l.boundary.reset();
        l.sink->on_gap();
      }
}

bool sync_feed::remember(const std::string& room_id, const std::string& event_id) {
  auto& s = seen_[room_id];
  if (!s.ids.insert(event_id).second) return false;
  s.order.push_back(event_id);
  if (s.order.size() > seen_per_room) {
    s.ids.erase(s.order.front());
    s.order.pop_front();
  }
  return true;
}

/// The event a new subscription must wait past: none when nothing in the
/// room follows the loop's position `since`, else the room's newest event.
result<std::optional<std::string>> sync_feed::boundary_of(const std::string& room_id, const std::string& since) {
  messages_query after;
  after.dir = 'f';
  after.from = since;
  after.limit = 1;
  auto doc = api_.messages(room_id, after);
  if (!doc) return doc.error();
  auto chunk = json::array_of(doc->object(), "chunk");
  if (!chunk || chunk->size() == 0) return std::optional<std::string>{};
  messages_query newest;
  newest.dir = 'b';
  newest.limit = 1;
  doc = api_.messages(room_id, newest);
  if (!doc) return doc.error();
  chunk = json::array_of(doc->object(), "chunk");
  std::size_t skipped = 0;
  auto events = chunk ? read_events(*chunk, skipped) : std::vector<room_event>{};
  if (events.empty()) return std::optional<std::string>{};
  return std::optional<std::string>{events.front().event_id};
}

result<std::uint64_t> sync_feed::add(const std::string& room_id, const std::string& topic, subscription_sink& sink) {
  std::string since;
  {
    std::lock_guard lock(mu_);
    since = since_;
  }
  auto boundary = boundary_of(room_id, since);
  if (!boundary) return boundary.error();
  std::lock_guard lock(mu_);
  // The loop may have passed the boundary while we asked.
  if (*boundary && seen_[room_id].ids.count(**boundary) > 0) boundary->reset();
  const auto id = ++next_id_;
  listeners_.push_back({id, room_id, topic, &sink, *boundary});
  return id;
}

void sync_feed::remove(std::uint64_t id) {
  std::lock_guard lock(mu_);
  listeners_.erase(std::remove_if(listeners_.begin(), listeners_.end(), [id](const listener& l) { return l.id == id; }),
                   listeners_.end());
}

void sync_feed::push(const std::string& room_id, std::vector<room_event> events) {
  room_batch b{room_id, std::move(events), false};
  std::lock_guard lock(mu_);
  dispatch(b, false);
}

void sync_feed::clear() {
  std::lock_guard lock(mu_);
  listeners_.clear();
}

}  // namespace parley::matrix
