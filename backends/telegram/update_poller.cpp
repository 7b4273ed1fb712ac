#include "backends/telegram/update_poller.hpp"

#include "src/util/backoff.hpp"
#include "src/util/log.hpp"

namespace parley::telegram {

namespace {

constexpr const char* component = "telegram";
/// `["message","channel_post"]`, encoded for the query.
constexpr const char* allowed_updates = "%5B%22message%22%2C%22channel_post%22%5D";
constexpr std::string_view replacement = "\xEF\xBF\xBD";

}  // namespace

update_poller::update_poller(bot_api& api, observed_store& store, const chat_routes& routes,
                             std::string bot_id, deliver_function deliver,
                             health_listener on_health, options opts)
    : api_(api),
      store_(store),
      routes_(routes),
      bot_id_(std::move(bot_id)),
      deliver_(std::move(deliver)),
      on_health_(std::move(on_health)),
      opts_(opts) {}

update_poller::~update_poller() {
  stop();
}

result<void> update_poller::catch_up() {
  auto stored = store_.offset(bot_id_);
  if (!stored) return stored.error();
  offset_ = *stored;
  offset_loaded_ = true;
  // Pages of 100 until a short one: the whole backlog, at most 10000.
  for (int page = 0; page < 100; ++page) {
    auto n = poll_once(0);
    if (!n) return n.error();
    if (*n < 100) break;
  }
  caught_up_ = true;
  report(health::connected, "polling Telegram getUpdates");
  return {};
}

void update_poller::start() {
  thread_ = std::thread([this] { run(); });
}

void update_poller::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool update_poller::pause(std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, d, [this] { return stopping_.load(); });
}

void update_poller::report(health state, const std::string& reason) {
  if (reported_ == state && reason == reported_reason_) return;
  reported_ = state;
  reported_reason_ = reason;
  if (state != health::connected) log::warn(component, reason);
  if (on_health_) on_health_(state, reason);
}

std::vector<observed_message> update_poller::take(const bot_answer& answer,
                                                  std::int64_t& next_offset,
                                                  std::size_t& updates_seen) const {
  std::vector<observed_message> batch;
  simdjson::dom::array updates;
  if (answer.result().get_array().get(updates) != simdjson::SUCCESS) return batch;
  for (auto element : updates) {
    ++updates_seen;
    simdjson::dom::object u;
    if (element.get_object().get(u) != simdjson::SUCCESS) continue;
    auto p = parse_update(u);
    if (!p) {
      log::warn(component, "an update without update_id; skipped");
      continue;
    }
    next_offset = std::max(next_offset, p->update_id + 1);
    // A repaired body had bytes that were not UTF-8; they became U+FFFD.
    if (p->msg && answer.repaired() && p->msg->content.find(replacement) != std::string::npos) {
      p->msg.reset();
      p->skipped = "a text that is not valid UTF-8";
    }
    if (!p->msg) {
      log::info(component, "update " + std::to_string(p->update_id) + " skipped: " + p->skipped);
      continue;
    }
    p->msg->topic = routes_.topic_of(p->msg->chat_id, p->msg->thread_id);
    batch.push_back(std::move(*p->msg));
  }
  return batch;
}

result<std::size_t> update_poller::poll_once(int timeout_s) {
  const std::string query = "offset=" + std::to_string(offset_) + "&timeout=" +
                            std::to_string(timeout_s) + "&limit=100&allowed_updates=" +
                            allowed_updates;
  auto answer = api_.call("getUpdates", {}, query, std::chrono::seconds(timeout_s + 15));
  if (!answer) return answer.error();
  ++polls_;
  std::int64_t next = offset_;
  std::size_t count = 0;
  auto batch = take(*answer, next, count);
  if (next == offset_) return count;
  auto fresh = store_.ingest(batch, std::pair{bot_id_, next});
  if (!fresh) return fresh.error();
  offset_ = next;
  if (!fresh->empty() && deliver_) deliver_(*fresh);
  return count;
}

void update_poller::run() {
  auto stored = offset_loaded_ ? result<std::int64_t>(offset_) : store_.offset(bot_id_);
  if (stored) offset_ = *stored;
  backoff errors(opts_.error_backoff, opts_.backoff_cap);
  backoff conflicts(opts_.conflict_backoff, opts_.backoff_cap);
  bool first = !caught_up_;
  while (!stopping_) {
    // The first poll does not park, so `connected` (and the catch-up of
    // what came while Parley was away) come at once.
    auto r = stored ? poll_once(first ? 0 : opts_.poll_timeout_s)
                    : result<std::size_t>(stored.error());
    if (r) {
      first = false;
      errors.reset();
      conflicts.reset();
      report(health::connected, "polling Telegram getUpdates");
      continue;
    }
    if (r.error().code == errc::not_connected) break;  // the client was stopped
    if (r.error().code == errc::bad_credentials) {
      report(health::failed, r.error().message);
      break;
    }
    const bool conflict = r.error().message.rfind(bot_api::conflict_prefix, 0) == 0;
    report(health::retrying, r.error().message);
    if (!pause(conflict ? conflicts.next() : errors.next())) break;
    if (!stored) stored = store_.offset(bot_id_);
  }
}

}  // namespace parley::telegram
