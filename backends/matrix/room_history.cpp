#include "backends/matrix/room_history.hpp"

#include <algorithm>

#include "src/util/log.hpp"

namespace parley::matrix {

namespace {

constexpr int max_pages = 50;
constexpr std::size_t max_page_size = 500;

/// The events of a /messages or /context answer's array `key`.
std::vector<room_event> events_at(const json::document& doc, const char* key) {
  auto chunk = json::array_of(doc.object(), key);
  if (!chunk) return {};
  std::size_t skipped = 0;
  auto out = read_events(*chunk, skipped);
  for (const auto& ev : out) note_unusable(ev);
  if (skipped > 0) log::warn("matrix", "skipped " + std::to_string(skipped) + " unreadable event(s)");
  return out;
}

}  // namespace

std::size_t room_history::page_size(std::size_t wanted) const {
  // A shared room interleaves other topics: ask for full pages, and stop at
  // `limit` belonging messages (the cursor is the last one kept).
  return shared_room_ ? max_page_size : std::min(max_page_size, wanted);
}

result<page> room_history::newest(std::size_t limit) {
  std::vector<message> newest_first;
  messages_query q;
  q.dir = 'b';
  q.filter = message_filter;
  for (int i = 0; i < max_pages && newest_first.size() < limit; ++i) {
    q.limit = page_size(limit - newest_first.size());
    auto doc = api_.messages(room_id_, q);
    if (!doc) return doc.error();
    auto events = events_at(*doc, "chunk");
    for (const auto& ev : events)
      if (newest_first.size() < limit && belongs(ev, topic_, shared_room_))
        newest_first.push_back(to_message(ev, topic_, server_name_));
    auto end = json::text_of(doc->object(), "end");
    if (events.empty() || !end) break;
    q.from = *end;
  }
  page out;
  out.messages.assign(std::make_move_iterator(newest_first.rbegin()), std::make_move_iterator(newest_first.rend()));
  out.next_cursor = out.messages.empty() ? cursor{""} : out.messages.back().cursor;
  return out;
}

result<page> room_history::after(const std::string& since, std::size_t limit) {
  if (since.empty()) return forward(std::nullopt, since, limit);
  auto ctx = api_.context(room_id_, since);
  if (!ctx) return ctx.error();
  if (!*ctx) {
    log::warn("matrix", "cursor " + since + " of topic \"" + topic_ + "\" is unknown to the homeserver; "
                                                                       "reading the newest messages instead");
    return newest(limit);
  }
  auto end = json::text_of((*ctx)->object(), "end");
  if (!end) {
    page empty;
    empty.next_cursor = cursor{since};
    return empty;
  }
  return forward(*end, since, limit);
}

result<page> room_history::forward(std::optional<std::string> from, const std::string& since, std::size_t limit) {
  page out;
  messages_query q;
  q.dir = 'f';
  q.from = std::move(from);
  q.filter = message_filter;
  for (int i = 0; i < max_pages && out.messages.size() < limit; ++i) {
    q.limit = page_size(limit - out.messages.size());
    auto doc = api_.messages(room_id_, q);
    if (!doc) return doc.error();
    auto events = events_at(*doc, "chunk");
    for (const auto& ev : events) {
      if (ev.event_id == since) {  // a server that repeats the boundary
        out.messages.clear();
        continue;
      }
      if (out.messages.size() >= limit) break;
      if (belongs(ev, topic_, shared_room_)) out.messages.push_back(to_message(ev, topic_, server_name_));
    }
    auto end = json::text_of(doc->object(), "end");
    if (events.empty() || !end) break;
    q.from = *end;
  }
  // Not past foreign events, as the original did: an empty page must
  // return `since`, or passing its cursor back would not be stable.
  out.next_cursor = out.messages.empty() ? cursor{since} : out.messages.back().cursor;
  return out;
}

result<room_event> room_history::event(const std::string& event_id) {
  auto ctx = api_.context(room_id_, event_id);
  if (!ctx) return ctx.error();
  if (!*ctx) return fail(errc::backend_unavailable, "Matrix event " + event_id + " vanished right after it was sent");
  simdjson::dom::element e;
  if ((*ctx)->object()["event"].get(e) != simdjson::SUCCESS)
    return fail(errc::backend_unavailable, "Matrix /context answered without the event");
  auto ev = read_event(e);
  if (!ev) return fail(errc::backend_unavailable, "Matrix /context answered with an unreadable event");
  return *ev;
}

}  // namespace parley::matrix
