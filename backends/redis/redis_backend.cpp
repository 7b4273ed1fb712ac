#include "backends/redis/redis_backend.hpp"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <csignal>
#include <mutex>

#include "backends/redis/connection_pool.hpp"
#include "backends/redis/link_monitor.hpp"
#include "backends/redis/redis_connection.hpp"
#include "src/util/sigpipe.hpp"
#include "src/seam/registry.hpp"
#include "src/seam/typed_connect.hpp"
#include "backends/redis/stream_reader.hpp"
#include "src/util/iso_time.hpp"
#include "backends/redis/write_pipeline.hpp"

namespace parley::redis {

namespace {

constexpr std::size_t max_idle_read_connections = 8;
// A long-poll hint is honored up to a day; beyond that it is still a hint.
constexpr std::int64_t max_block_ms = 86'400'000;

const parley::capabilities redis_capabilities = [] {
  parley::capabilities c;
  c.native_long_poll = true;    // fetch_recent waits in XREAD BLOCK
  c.cross_process_live = true;  // every writer's XADD wakes the XREAD
  c.sender_is_identity = true;  // the `sender` field
  c.stores_in_reply_to = true;  // the `in_reply_to` field
  c.max_content_bytes = 0;      // the server's proto-max-bulk-len (512 MB by default)
  c.max_page = 10000;
  c.zero_cursor = "0-0";
  return c;
}();

std::string quoted(const std::string& topic) {
  return "\"" + topic + "\"";
}

/// Messages of an XRANGE / XREVRANGE reply (or the entry list of one XREAD
/// stream), in reply order.
std::vector<message> entries_of(const std::string& topic, const redisReply& entries) {
  std::vector<message> out;
  if (!is_array(entries)) return out;
  out.reserve(entries.elements);
  for (std::size_t i = 0; i < entries.elements; ++i)
    if (entries.element[i])
      if (auto m = entry_to_message(topic, *entries.element[i])) out.push_back(std::move(*m));
  return out;
}

}  // namespace

redis_backend::redis_backend() = default;

redis_backend::~redis_backend() {
  disconnect();
}

const parley::capabilities& redis_backend::capabilities() const noexcept {
  return redis_capabilities;
}

void redis_backend::set_health_listener(health_listener listener) {
  health_listener_ = std::move(listener);
}

result<void> redis_backend::connect(const config::value& backend_config) {
  return connect_typed<redis_config>(*this, backend_config, "Redis");
}

result<void> redis_backend::connect(const redis_config& cfg) {
  if (connected_) return fail(errc::internal, "redis backend: connect() called twice");
  ignore_sigpipe_once();
  cfg_ = cfg;
  const auto timeout = std::chrono::milliseconds(cfg_.timeout_ms);
  auto first = connection::open(cfg_.server, timeout);
  if (!first) return first.error();

  monitor_ = std::make_shared<link_monitor>(
      [ep = cfg_.server, timeout]() -> result<void> {
        auto probe = connection::open(ep, timeout);
        if (!probe) return probe.error();
        return {};
      },
      health_listener_, std::chrono::milliseconds(cfg_.reconnect_min_ms),
      std::chrono::milliseconds(cfg_.reconnect_max_ms));
  writer_ = std::make_unique<write_pipeline>(cfg_.server, timeout, monitor_, std::move(*first),
                                             monitor_->epoch());
  pool_ =
      std::make_shared<connection_pool>(cfg_.server, timeout, monitor_, max_idle_read_connections);
  reader_ = std::make_unique<stream_reader>(cfg_.server, std::chrono::milliseconds(cfg_.block_ms),
                                            timeout, cfg_.read_count, monitor_);
  monitor_->set_on_change([reader = reader_.get()](health state) { reader->on_health(state); });
  monitor_->start();
  reader_->start();
  connected_ = true;
  if (health_listener_)
    health_listener_(health::connected, "connected to " + cfg_.server.describe());
  return {};
}

void redis_backend::disconnect() {
  if (!connected_.exchange(false)) return;
  // The monitor first: no health callback reaches the reader after this.
  monitor_->stop();
  reader_->stop();  // no sink call after this returns
  pool_->close();   // aborts a long-poll in flight
  writer_->close();
  // The objects stay until destruction or the next connect(), so a call that
  // raced with disconnect() on another thread fails cleanly instead of
  // touching freed memory.
}

result<void> redis_backend::ready_for_io() const {
  if (!connected_) return fail(errc::not_connected, "redis backend is not connected");
  const health state = monitor_->state();
  if (state == health::connected) return {};
  return fail(state == health::failed ? errc::bad_credentials : errc::backend_unavailable,
              "redis: " + cfg_.server.describe() +
                  (state == health::failed ? " refuses us: " : " is unreachable (reconnecting): ") +
                  monitor_->reason());
}

result<stored_post> redis_backend::post(const post_request& req) {
  if (auto r = ready_for_io(); !r) return r.error();
  std::optional<std::int64_t> cutoff;
  if (cfg_.retention_days) cutoff = now_epoch_ms() - *cfg_.retention_days * 86'400'000;
  std::string ts = iso8601_now();
  auto id = writer_->submit(xadd_command(key_of(req.topic), req, ts, cutoff),
                            "XADD to topic " + quoted(req.topic));
  if (!id) return id.error();
  parley::cursor at{*id};
  message m = stored_message(req, std::move(*id), std::move(at), std::move(ts));
  // The stream stores an absent in_reply_to as "", which reads back absent.
  if (m.in_reply_to && m.in_reply_to->empty()) m.in_reply_to.reset();
  // The entry before this one is unknown without a read: left empty.
  return stored_post{std::move(m), std::nullopt};
}

result<page> redis_backend::fetch_recent(const fetch_request& req) {
  if (!connected_) return fail(errc::not_connected, "redis backend is not connected");
  std::optional<stream_id> since;
  if (req.since) {
    since = stream_id::parse(req.since->text);
    if (!since)
      return fail(errc::malformed_cursor,
                  "parley-redis: malformed cursor '" + req.since->text + "' for topic " +
                      req.topic +
                      " — expected a stream entry id (<ms>-<seq>) minted by this backend");
  }
  page out;
  out.next_cursor = req.since ? *req.since : parley::cursor{redis_capabilities.zero_cursor};
  const std::size_t limit = std::min(req.limit, redis_capabilities.max_page);
  // Nothing can follow the largest id; Redis would call `(max` an invalid range.
  if (limit == 0 || (since && since->is_max())) return out;
  if (auto r = ready_for_io(); !r) return r.error();

  const std::string key = key_of(req.topic);
  const std::string count = std::to_string(limit);
  const command_args range =
      since ? command_args{"XRANGE", key, "(" + since->to_string(), "+", "COUNT", count}
            : command_args{"XREVRANGE", key, "+", "-", "COUNT", count};
  const std::string what =
      std::string(since ? "XRANGE" : "XREVRANGE") + " of topic " + quoted(req.topic);

  // Reads are idempotent: a pooled connection the server dropped while idle
  // gets one retry on a fresh connection before the server counts as lost.
  for (int attempt = 0;; ++attempt) {
    auto lease = pool_->acquire();
    if (!lease) return lease.error();
    connection& c = lease->conn();
    auto reply = c.command(range);
    if (!reply) {
      if (attempt == 0) continue;
      monitor_->report_lost(lease->epoch(), reply.error().message);
      return reply.error();
    }
    if (is_error(**reply)) return error_from_reply(**reply, what);
    out.messages = entries_of(req.topic, **reply);
    if (!since) std::reverse(out.messages.begin(), out.messages.end());

    const std::int64_t block = std::min<std::int64_t>(req.block.count(), max_block_ms);
    if (out.messages.empty() && since && block > 0) {
      // The long-poll: never BLOCK 0 (forever), and a socket timeout above
      // the block so that waiting is not mistaken for a dead server.
      c.set_timeout(std::chrono::milliseconds(block) + pool_->timeout());
      auto waited = c.command({"XREAD", "COUNT", count, "BLOCK", std::to_string(block), "STREAMS",
                               key, since->to_string()});
      if (!waited) {
        if (!connected_) return fail(errc::not_connected, "redis backend was disconnected");
        monitor_->report_lost(lease->epoch(), waited.error().message);
        return waited.error();
      }
      const redisReply& w = **waited;
      if (is_error(w)) return error_from_reply(w, "XREAD of topic " + quoted(req.topic));
      if (is_array(w) && w.elements > 0 && w.element[0] && is_array(*w.element[0]) &&
          w.element[0]->elements >= 2 && w.element[0]->element[1])
        out.messages = entries_of(req.topic, *w.element[0]->element[1]);
    }
    if (!out.messages.empty()) out.next_cursor = out.messages.back().cursor;
    return out;
  }
}

result<std::unique_ptr<subscription>> redis_backend::subscribe(const std::string& topic,
                                                               subscription_sink& sink) {
  if (auto r = ready_for_io(); !r) return r.error();
  const std::string key = key_of(topic);
  // The tail must be a concrete id read before we return (never `$`): a post
  // made right after subscribe() returns has a larger id and is delivered.
  std::optional<stream_id> tail;
  for (int attempt = 0; !tail; ++attempt) {
    auto lease = pool_->acquire();
    if (!lease) return lease.error();
    auto reply = lease->conn().command({"XINFO", "STREAM", key});
    if (!reply) {
      if (attempt == 0) continue;
      monitor_->report_lost(lease->epoch(), reply.error().message);
      return reply.error();
    }
    const redisReply& r = **reply;
    if (is_error(r)) {
      // Only a stream that does not exist starts at the beginning; any other
      // refusal (LOADING, NOPERM, WRONGTYPE) fails, never replays history.
      if (text_of(r).find("no such key") != std::string_view::npos) {
        tail = stream_id{};
        break;
      }
      return error_from_reply(r, "XINFO STREAM of topic " + quoted(topic));
    }
    for (std::size_t i = 0; is_array(r) && i + 1 < r.elements; i += 2)
      if (r.element[i] && text_of(*r.element[i]) == "last-generated-id" && r.element[i + 1])
        tail = stream_id::parse(text_of(*r.element[i + 1]));
    if (!tail)
      return fail(errc::internal, "redis: XINFO STREAM of topic " + quoted(topic) +
                                      " has no usable last-generated-id");
  }
  return reader_->add(topic, key, *tail, sink);
}

result<identity_ref> redis_backend::resolve_identity(const std::string& handle) {
  return identity_ref{handle, handle};
}

namespace {
const backend_registrar registration{
    "redis", {"local-redis"}, [] { return std::make_unique<redis_backend>(); }};
}  // namespace

}  // namespace parley::redis
