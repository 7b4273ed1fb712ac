#include "actors/transport/http/http_session_output.hpp"

#include "src/mcp/jsonrpc.hpp"
#include "src/mcp/protocol.hpp"

namespace parley {

http_session_output::http_session_output(std::size_t replay_events, std::size_t max_backlog_bytes)
    : replay_events_(replay_events), max_backlog_(max_backlog_bytes) {}

void http_session_output::expect(const std::vector<std::string>& ids, answer_fn done) {
  auto w = std::make_shared<waiting_post>();
  w->ids = ids;
  w->done = std::move(done);
  std::lock_guard lock(mu_);
  for (const auto& id : ids) waiting_[id] = w;
}

void http_session_output::response(const std::string& id_json, std::shared_ptr<const std::string> json) {
  std::shared_ptr<waiting_post> ready;
  {
    std::lock_guard lock(mu_);
    auto it = waiting_.find(id_json);
    if (it == waiting_.end()) return;  // nobody asks any more (the client left)
    auto w = it->second;
    waiting_.erase(it);
    w->answers[id_json] = std::move(json);
    if (w->answers.size() == w->ids.size()) ready = w;
  }
  if (!ready) return;
  std::vector<std::shared_ptr<const std::string>> ordered;
  for (const auto& id : ready->ids) ordered.push_back(ready->answers[id]);
  ready->done(std::move(ordered));
}

void http_session_output::emit_locked(std::shared_ptr<const std::string> json) {
  const std::uint64_t id = next_event_id_++;
  if (replay_events_ > 0) {
    replay_.emplace_back(id, json);
    while (replay_.size() > replay_events_) replay_.pop_front();
  }
  if (stream_ && !stream_->closed()) {
    stream_->send(std::to_string(id), *json);
    last_sent_id_ = id;
  }
}

void http_session_output::announce_missed_locked() {
  auto missed = std::move(missed_);
  missed_.clear();
  for (const auto& [topic, m] : missed) {
    const std::string text = std::to_string(m.count) + " message" + (m.count == 1 ? "" : "s") + " on \"" + topic +
                             "\" were not pushed because this client fell behind. Read them with "
                             "parley_fetch_recent (topic \"" + topic + "\", since \"" + m.since + "\").";
    emit_locked(std::make_shared<const std::string>(mcp::channel_notice(
        text, {{"topic", topic}, {"kind", "missed"}, {"since", m.since}, {"missed", std::to_string(m.count)}})));
  }
}

void http_session_output::notification(std::shared_ptr<const std::string> json, const droppable_event* event) {
  std::lock_guard lock(mu_);
  if (closed_) return;
  const bool behind = stream_ && !stream_->closed() && stream_->backlog() > max_backlog_;
  if (event && behind) {
    // The cursor *before* the first dropped message is where a fetch starts;
    // the event only knows its own, so "since" is the last delivered one.
    auto& m = missed_[event->topic];
    if (m.count == 0) m.since = last_cursor_[event->topic];
    ++m.count;
    ++dropped_;
    return;
  }
  if (!missed_.empty() && !behind) announce_missed_locked();
  if (event) last_cursor_[event->topic] = event->cursor;
  emit_locked(std::move(json));
}

bool http_session_output::attach(std::shared_ptr<http::event_stream> stream, std::optional<std::uint64_t> last_event_id) {
  std::lock_guard lock(mu_);
  if (closed_) return false;
  if (stream_ && !stream_->closed()) return false;
  stream_ = std::move(stream);
  // Resume after the client's last event, or else after the last one any
  // stream carried: events emitted before the first GET (catch-up, a message
  // between initialize and the stream) are not lost.
  const std::uint64_t after = last_event_id ? *last_event_id : last_sent_id_;
  for (const auto& [id, json] : replay_)
    if (id > after) {
      stream_->send(std::to_string(id), *json);
      last_sent_id_ = id;
    }
  return true;
}

bool http_session_output::busy() const {
  std::lock_guard lock(mu_);
  return !waiting_.empty() || (stream_ && !stream_->closed());
}

bool http_session_output::streaming() const {
  std::lock_guard lock(mu_);
  return stream_ && !stream_->closed();
}

void http_session_output::close() {
  std::map<std::string, std::shared_ptr<waiting_post>> waiting;
  std::shared_ptr<http::event_stream> stream;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    waiting.swap(waiting_);
    stream = std::move(stream_);
  }
  if (stream) stream->close();
  for (auto& [id, w] : waiting) {
    if (!w->done) continue;
    std::vector<std::shared_ptr<const std::string>> answers;
    for (const auto& i : w->ids)
      answers.push_back(std::make_shared<const std::string>(
          mcp::error_response(i, mcp::rpc_code::internal_error, "the session ended")));
    auto done = std::move(w->done);
    w->done = nullptr;
    done(std::move(answers));
  }
}

std::uint64_t http_session_output::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

}  // namespace parley
