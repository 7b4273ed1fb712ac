#include "backends/redis/stream_reader.hpp"

#include <hiredis/hiredis.h>
#include <sys/socket.h>

#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <vector>

#include "src/util/iso_time.hpp"
#include "src/util/log.hpp"

namespace parley::redis {

namespace {

constexpr std::int64_t error_log_interval_ms = 60'000;

struct sub_entry {
  subscription_sink* sink = nullptr;
  /// The last id given to this sink (at first: the tail at subscribe time).
  stream_id last;
  bool cancelled = false;
};

struct stream_state {
  std::string topic;
  std::vector<std::shared_ptr<sub_entry>> subs;
};

}  // namespace

/// Shared by the reader thread and the subscription handles, so that a
/// handle outliving the backend cancels safely.
struct reader_state {
  /// Held while delivering, so cancel() waits for a delivery in progress.
  /// Recursive: a sink may cancel (its own or another) subscription.
  std::recursive_mutex mu;
  std::condition_variable_any cv;
  std::map<std::string, stream_state> streams;
  bool stopping = false;
  /// The reader is blocked in XREAD on `xread_fd` (valid while true).
  bool in_xread = false;
  int xread_fd = -1;
  /// Someone shut that socket down on purpose: not a loss.
  bool woken = false;

  /// Makes the reader rebuild its XREAD now. Call with `mu` held.
  void wake() {
    if (in_xread && xread_fd >= 0 && !woken) {
      woken = true;
      ::shutdown(xread_fd, SHUT_RDWR);
    }
    cv.notify_all();
  }
};

namespace {

class redis_subscription final : public subscription {
 public:
  redis_subscription(std::weak_ptr<reader_state> state, std::string key,
                     std::shared_ptr<sub_entry> entry)
      : state_(std::move(state)), key_(std::move(key)), entry_(std::move(entry)) {}
  ~redis_subscription() override { cancel(); }

  void cancel() override {
    auto st = state_.lock();
    if (!st || !entry_) return;
    std::lock_guard lock(st->mu);
    if (!entry_->cancelled) {
      entry_->cancelled = true;
      if (auto it = st->streams.find(key_); it != st->streams.end()) {
        auto& subs = it->second.subs;
        std::erase(subs, entry_);
        if (subs.empty()) {
          st->streams.erase(it);
          st->wake();
        }
      }
    }
    entry_.reset();
  }

 private:
  std::weak_ptr<reader_state> state_;
  std::string key_;
  std::shared_ptr<sub_entry> entry_;
};

/// What the reader thread needs, by value: the thread never touches the
/// stream_reader object, so a backend torn down from anywhere cannot leave
/// it with a dangling pointer.
struct reader_context {
  endpoint ep;
  std::chrono::milliseconds block;
  std::chrono::milliseconds timeout;
  std::int64_t count;
  std::shared_ptr<link_monitor> monitor;
  std::shared_ptr<reader_state> state;
};

void deliver_one(subscription_sink& sink, const message& msg) {
  try {
    sink.on_message(msg);
  } catch (const std::exception& e) {
    log::warn("redis", "a live sink threw on topic \"" + msg.topic + "\": " + e.what());
  } catch (...) {
    log::warn("redis", "a live sink threw on topic \"" + msg.topic + "\"");
  }
}

/// Hands the entries of an XREAD reply to the sinks. Called with `mu` held.
void deliver(reader_state& st, const redisReply& reply) {
  for (std::size_t i = 0; i < reply.elements; ++i) {
    const redisReply* stream = reply.element[i];
    if (!stream || !is_array(*stream) || stream->elements < 2 || !stream->element[0] ||
        !stream->element[1] || !is_array(*stream->element[1]))
      continue;
    auto it = st.streams.find(std::string(text_of(*stream->element[0])));
    if (it == st.streams.end()) continue;  // unsubscribed since the XREAD began
    // Copies: a sink may cancel, which edits (or erases) the stream's entry.
    const std::string topic = it->second.topic;
    const auto subs = it->second.subs;
    const redisReply& entries = *stream->element[1];
    for (std::size_t j = 0; j < entries.elements; ++j) {
      if (!entries.element[j]) continue;
      const redisReply& entry = *entries.element[j];
      const auto id = entry_id(entry);
      if (!id) continue;
      std::optional<message> msg;
      for (const auto& sub : subs) {
        if (sub->cancelled || *id <= sub->last) continue;
        if (!msg) msg = entry_to_message(topic, entry);
        if (!msg) break;
        sub->last = *id;
        deliver_one(*sub->sink, *msg);
      }
    }
  }
}

command_args xread_command(const reader_state& st, std::int64_t count,
                           std::chrono::milliseconds block) {
  command_args args{
      "XREAD", "COUNT", std::to_string(count), "BLOCK", std::to_string(block.count()), "STREAMS"};
  args.reserve(args.size() + 2 * st.streams.size());
  for (const auto& [key, stream] : st.streams) args.push_back(key);
  for (const auto& [key, stream] : st.streams) {
    stream_id from = stream.subs.front()->last;
    for (const auto& sub : stream.subs) from = std::min(from, sub->last);
    args.push_back(from.to_string());
  }
  return args;
}

void run_reader(reader_context ctx) {
  reader_state& st = *ctx.state;
  connection conn;
  std::uint64_t conn_epoch = 0;
  std::int64_t errors = 0;
  std::int64_t last_error_log_ms = 0;

  std::unique_lock lock(st.mu);
  while (!st.stopping) {
    if (st.streams.empty() || ctx.monitor->state() != health::connected) {
      // Woken by add(), the last cancel, stop() and every health change.
      st.cv.wait(lock);
      continue;
    }
    const std::uint64_t epoch = ctx.monitor->epoch();
    if (!conn.valid() || conn.broken() || conn_epoch != epoch) {
      conn = connection{};
      lock.unlock();
      auto opened = connection::open(ctx.ep, ctx.timeout);
      lock.lock();
      if (!opened) {
        // The monitor turns to retrying (or had already): the loop then waits
        // for its reconnect instead of hammering the server from here.
        ctx.monitor->report_lost(epoch, opened.error().message);
        continue;
      }
      conn = std::move(*opened);
      // A blocked XREAD must not be mistaken for a dead server.
      conn.set_timeout(ctx.block + ctx.timeout);
      conn_epoch = epoch;
      continue;  // the stream set may have changed meanwhile
    }

    const command_args args = xread_command(st, ctx.count, ctx.block);
    st.in_xread = true;
    st.xread_fd = conn.fd();
    st.woken = false;
    lock.unlock();
    auto reply = conn.command(args);
    lock.lock();
    st.in_xread = false;
    st.xread_fd = -1;
    const bool woken = std::exchange(st.woken, false);
    if (st.stopping) break;
    if (woken) conn = connection{};  // its socket is shut down even if the reply made it
    if (!reply) {
      if (!woken) ctx.monitor->report_lost(conn_epoch, reply.error().message);
      conn = connection{};
      continue;
    }
    const redisReply& r = **reply;
    if (is_error(r)) {
      // A stream key turned into another type, or the server refuses reads
      // (LOADING, an ACL change). Delivery resumes from the same positions.
      ++errors;
      const std::int64_t now = now_epoch_ms();
      if (errors == 1 || now - last_error_log_ms >= error_log_interval_ms) {
        last_error_log_ms = now;
        log::warn("redis", "live XREAD failed (#" + std::to_string(errors) +
                               "): " + std::string(text_of(r)) + "; retrying");
      }
      st.cv.wait_for(lock, std::chrono::milliseconds(errors == 1 ? 100 : 1000),
                     [&] { return st.stopping; });
      continue;
    }
    errors = 0;
    if (is_array(r)) deliver(st, r);
    // A nil reply is the BLOCK timeout: read again.
  }
}

}  // namespace

stream_reader::stream_reader(endpoint ep, std::chrono::milliseconds block,
                             std::chrono::milliseconds timeout, std::int64_t count,
                             std::shared_ptr<link_monitor> monitor)
    : ep_(std::move(ep)),
      block_(block),
      timeout_(timeout),
      count_(count),
      monitor_(std::move(monitor)),
      state_(std::make_shared<reader_state>()) {}

stream_reader::~stream_reader() {
  stop();
}

void stream_reader::start() {
  thread_ =
      std::thread(run_reader, reader_context{ep_, block_, timeout_, count_, monitor_, state_});
}

void stream_reader::stop() {
  {
    std::lock_guard lock(state_->mu);
    state_->stopping = true;
    for (auto& [key, stream] : state_->streams)
      for (auto& sub : stream.subs) sub->cancelled = true;
    state_->streams.clear();
    state_->wake();
  }
  if (!thread_.joinable()) return;
  if (thread_.get_id() == std::this_thread::get_id())
    thread_.detach();  // stopped from a sink: the loop ends when the sink returns
  else
    thread_.join();
}

std::unique_ptr<subscription> stream_reader::add(const std::string& topic, const std::string& key,
                                                 stream_id tail, subscription_sink& sink) {
  auto entry = std::make_shared<sub_entry>();
  entry->sink = &sink;
  entry->last = tail;
  std::lock_guard lock(state_->mu);
  if (state_->stopping) entry->cancelled = true;
  if (!entry->cancelled) {
    auto [it, inserted] = state_->streams.try_emplace(key);
    it->second.subs.push_back(entry);
    if (inserted) {
      it->second.topic = topic;
      state_->wake();
    }
  }
  return std::make_unique<redis_subscription>(state_, key, std::move(entry));
}

void stream_reader::on_health(health state) {
  std::lock_guard lock(state_->mu);
  if (state == health::connected)
    state_->cv.notify_all();
  else
    state_->wake();
}

}  // namespace parley::redis
