// The in-memory backend: a store per name, shared by every backend connected
// to it. Seam → native mapping:
//   topic           a vector of messages in the store
//   backend_msg_id  the store-wide sequence number, in decimal
//   cursor          the same number (so cursors ascend per topic)
//   post            append under the store's lock, then deliver live
//   fetch_recent    a slice of the topic's vector; `block` waits on a
//                   condition variable (native_long_poll)
//   subscribe       an entry in the store's list of live sinks
#include "examples/03_in_memory_backend/in_memory_backend.hpp"

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>

#include "src/model/mentions.hpp"
#include "src/seam/registry.hpp"
#include "src/seam/typed_connect.hpp"
#include "src/util/iso_time.hpp"

namespace parley::in_memory {

in_memory_config in_memory_config::parse(const config::value& v, std::vector<config::problem>& problems) {
  in_memory_config out;
  config::map_reader r(v, "backend_config", problems);
  if (auto s = r.string("store", false)) out.store = *s;
  r.finish();  // unknown keys are errors, each named by its path
  return out;
}

namespace {

/// One live subscription: its sink, until cancelled or disconnected.
struct live_entry {
  std::string topic;
  subscription_sink* sink = nullptr;
};

/// The history every backend on one store name shares.
struct store {
  std::mutex mu;
  std::condition_variable posted;
  std::uint64_t last_seq = 0;
  std::map<std::string, std::vector<message>> topics;
  std::vector<std::shared_ptr<live_entry>> live;

  /// The store of `name`, made on first use; stores live as long as the process.
  static std::shared_ptr<store> named(const std::string& name) {
    static std::mutex registry_mu;
    static std::map<std::string, std::shared_ptr<store>> stores;
    std::lock_guard lock(registry_mu);
    auto& s = stores[name];
    if (!s) s = std::make_shared<store>();
    return s;
  }
};

/// Cancel (or destruction) removes the entry under the store's lock, which
/// delivery also holds: once cancel returns, the sink is not called again.
class in_memory_subscription final : public subscription {
 public:
  in_memory_subscription(std::shared_ptr<store> s, std::shared_ptr<live_entry> e)
      : store_(std::move(s)), entry_(std::move(e)) {}
  ~in_memory_subscription() override { cancel(); }
  void cancel() override {
    std::lock_guard lock(store_->mu);
    std::erase(store_->live, entry_);
  }

 private:
  std::shared_ptr<store> store_;
  std::shared_ptr<live_entry> entry_;
};

/// A cursor this backend minted: decimal digits, nothing else.
std::optional<std::uint64_t> parse_cursor(const std::string& text) {
  std::uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

std::uint64_t seq_of(const message& m) { return parse_cursor(m.cursor.text).value_or(0); }

class in_memory_backend final : public backend {
 public:
  in_memory_backend() {
    caps_.native_long_poll = true;    // fetch_recent waits on `posted`
    caps_.cross_process_live = true;  // every backend on the store sees every post
    caps_.max_page = 10000;
    caps_.zero_cursor = "0";
  }
  ~in_memory_backend() override { disconnect(); }

  const parley::capabilities& capabilities() const noexcept override { return caps_; }

  result<void> connect(const config::value& backend_config) override {
    return connect_typed<in_memory_config>(*this, backend_config, "in-memory");
  }

  /// The typed connect every backend has (tests and tools call it too).
  result<void> connect(const in_memory_config& cfg) {
    store_ = store::named(cfg.store);
    return {};
  }

  void disconnect() override {
    if (!store_) return;
    std::lock_guard lock(store_->mu);
    for (auto& e : mine_) std::erase(store_->live, e);
    mine_.clear();
  }

  result<std::unique_ptr<subscription>> subscribe(const std::string& topic, subscription_sink& sink) override {
    if (!store_) return fail(errc::not_connected, "in-memory backend is not connected");
    auto entry = std::make_shared<live_entry>(live_entry{topic, &sink});
    std::lock_guard lock(store_->mu);
    store_->live.push_back(entry);
    mine_.push_back(entry);
    return std::unique_ptr<subscription>(std::make_unique<in_memory_subscription>(store_, entry));
  }

  result<stored_post> post(const post_request& req) override { return append(req); }

  result<page> fetch_recent(const fetch_request& req) override {
    if (!store_) return fail(errc::not_connected, "in-memory backend is not connected");
    std::optional<std::uint64_t> since;
    if (req.since) {
      since = parse_cursor(req.since->text);
      if (!since)
        return fail(errc::malformed_cursor, "in-memory: malformed cursor '" + req.since->text + "' for topic " +
                                                req.topic + " — expected a sequence number this backend minted");
    }
    std::unique_lock lock(store_->mu);
    if (since && req.block.count() > 0)
      store_->posted.wait_for(lock, req.block, [&] { return tail_of(req.topic) > *since; });
    return slice(req, since);
  }

  result<identity_ref> resolve_identity(const std::string& handle) override { return identity_ref{handle, handle}; }

 private:
  /// Stores the message and hands it to the live sinks of its topic, in the
  /// order of the store's sequence (delivery holds the lock, so two posters
  /// cannot interleave). The stored message is what `post` answers with,
  /// with the cursor it follows: the lock makes that known without a read.
  result<stored_post> append(const post_request& req) {
    if (!store_) return fail(errc::not_connected, "in-memory backend is not connected");
    std::lock_guard lock(store_->mu);
    const std::uint64_t previous = tail_of(req.topic);
    message m;
    m.topic = req.topic;
    m.sender_handle = req.identity;
    m.content = req.content;
    m.timestamp = iso8601_now();
    m.backend_msg_id = std::to_string(++store_->last_seq);
    m.cursor = cursor{m.backend_msg_id};
    m.mentions = parse_mentions(m.content);
    m.in_reply_to = req.in_reply_to;
    store_->topics[req.topic].push_back(m);
    for (const auto& e : store_->live)
      if (e->topic == req.topic) e->sink->on_message(m);
    store_->posted.notify_all();
    return stored_post{std::move(m), previous == 0 ? cursor{caps_.zero_cursor} : cursor{std::to_string(previous)}};
  }

  /// The topic's last sequence number, 0 if never posted to. Lock held.
  std::uint64_t tail_of(const std::string& topic) const {
    auto it = store_->topics.find(topic);
    return it == store_->topics.end() || it->second.empty() ? 0 : seq_of(it->second.back());
  }

  /// The page: strictly after `since`, else the newest `limit`. Lock held.
  page slice(const fetch_request& req, std::optional<std::uint64_t> since) const {
    page out;
    const std::size_t limit = std::min(req.limit, caps_.max_page);
    out.next_cursor = req.since ? *req.since : cursor{caps_.zero_cursor};
    auto it = store_->topics.find(req.topic);
    if (limit == 0 || it == store_->topics.end()) return out;
    const auto& all = it->second;
    auto first = since ? std::upper_bound(all.begin(), all.end(), *since,
                                          [](std::uint64_t s, const message& m) { return s < seq_of(m); })
                       : all.end() - static_cast<std::ptrdiff_t>(std::min(limit, all.size()));
    auto last = first + static_cast<std::ptrdiff_t>(std::min<std::size_t>(limit, all.end() - first));
    out.messages.assign(first, last);
    if (!out.messages.empty()) out.next_cursor = out.messages.back().cursor;
    return out;
  }

  parley::capabilities caps_;
  std::shared_ptr<store> store_;
  /// This backend's subscriptions, stopped by disconnect().
  std::vector<std::shared_ptr<live_entry>> mine_;
};

/// Self-registration: linking this file in is all it takes for
/// `backend: in-memory` to work; core never names it.
const backend_registrar registration{"in-memory", {}, [] { return std::make_unique<in_memory_backend>(); }};

}  // namespace

std::unique_ptr<backend> make_in_memory_backend() { return std::make_unique<in_memory_backend>(); }

}  // namespace parley::in_memory
