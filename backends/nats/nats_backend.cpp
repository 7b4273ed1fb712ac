#include "backends/nats/nats_backend.hpp"

#include <nats/nats.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <thread>

#include "backends/nats/nats_payload.hpp"
#include "src/util/backoff.hpp"
#include "src/util/iso_time.hpp"
#include "src/seam/registry.hpp"
#include "src/seam/typed_connect.hpp"
#include "src/nats_client/client_options.hpp"
#include "backends/nats/topic_names.hpp"
#include "src/util/log.hpp"

namespace parley::nats {

namespace {

/// JetStream's "stream name already in use with a different configuration":
/// a stream someone else (the original) created; we use it as it is.
constexpr jsErrCode stream_name_in_use = static_cast<jsErrCode>(10058);
constexpr jsErrCode stream_not_found = static_cast<jsErrCode>(10059);
constexpr std::int64_t reader_idle_ns = 30'000'000'000;  // consumers expire server-side after this
constexpr auto resubscribe_backoff_max = std::chrono::milliseconds(2000);

std::string status_text(natsStatus s, jsErrCode jerr = static_cast<jsErrCode>(0)) {
  std::string out = natsStatus_GetText(s);
  if (jerr != 0) out += " (JetStream error " + std::to_string(static_cast<int>(jerr)) + ")";
  const char* last = nats_GetLastError(nullptr);
  if (last && *last && out.find(last) == std::string::npos) out += ": " + std::string(last);
  return out;
}

std::optional<std::uint64_t> parse_sequence(const std::string& text) {
  if (text.empty() || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  std::uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

message to_message(natsMsg* m, const std::string& topic) {
  jsMsgMetaData* meta = nullptr;
  std::uint64_t seq = 0;
  if (natsMsg_GetMetaData(&meta, m) == NATS_OK) {
    seq = meta->Sequence.Stream;
    jsMsgMetaData_Destroy(meta);
  }
  message out = decode_payload(std::string_view(natsMsg_GetData(m), static_cast<std::size_t>(natsMsg_GetDataLength(m))));
  out.topic = topic;
  out.backend_msg_id = std::to_string(seq);
  out.cursor = cursor{out.backend_msg_id};
  return out;
}

}  // namespace

/// One live subscription. Its natsSubscription is replaced after a reconnect;
/// `generation` tells a stale one's late deliveries apart.
struct live_sub {
  std::string topic;
  std::string subject;
  std::string stream;
  subscription_sink* sink = nullptr;
  std::mutex mu;  // held while delivering: cancel() waits for an in-flight call
  std::uint64_t last_delivered = 0;
  std::uint64_t generation = 0;
  bool cancelled = false;
  natsSubscription* sub = nullptr;
};

/// What a natsSubscription's callback gets: freed when cnats says the
/// subscription delivered its last message.
struct delivery_ctx {
  std::shared_ptr<live_sub> live;
  std::uint64_t generation = 0;
};

/// A pull consumer kept between fetches of one topic: paging forward through
/// a backlog reuses it instead of creating and deleting one per page.
struct stream_reader {
  std::mutex mu;
  natsSubscription* sub = nullptr;
  std::uint64_t next_seq = 0;
  std::int64_t last_used_ns = 0;

  void reset() {
    if (sub) {
      natsSubscription_Unsubscribe(sub);
      natsSubscription_Destroy(sub);
    }
    sub = nullptr;
    next_seq = 0;
  }
  ~stream_reader() { reset(); }
};

namespace {

void on_live_message(natsConnection*, natsSubscription*, natsMsg* m, void* closure) {
  auto* ctx = static_cast<delivery_ctx*>(closure);
  live_sub& live = *ctx->live;
  {
    std::lock_guard lock(live.mu);
    if (!live.cancelled && ctx->generation == live.generation) {
      jsMsgMetaData* meta = nullptr;
      std::uint64_t seq = 0;
      if (natsMsg_GetMetaData(&meta, m) == NATS_OK) {
        seq = meta->Sequence.Stream;
        jsMsgMetaData_Destroy(meta);
      }
      // Stream sequences only grow: anything at or below the last one
      // delivered is a redelivery after a consumer reset.
      if (seq > live.last_delivered) {
        live.last_delivered = seq;
        try {
          live.sink->on_message(to_message(m, live.topic));
        } catch (...) {
          // A sink must not break the feed (the seam contract).
        }
      }
    }
  }
  natsMsg_Destroy(m);
}

void on_subscription_complete(void* closure) { delete static_cast<delivery_ctx*>(closure); }

/// Ends a live feed's subscription. Destroy only, never Unsubscribe: for an
/// ordered consumer cnats 3.4.1 then deletes the consumer on the server, and
/// that races with the library's own consumer reset after a reconnect (a
/// use-after-free inside jsSub_deleteConsumer, caught by ASan). The ephemeral
/// consumer expires on the server by itself (InactiveThreshold below).
void release_live(natsSubscription* sub) { natsSubscription_Destroy(sub); }

}  // namespace

/// The closure of the connection callbacks. cnats calls them on its own
/// thread, possibly after the backend is gone (a "closed" event is queued by
/// natsConnection_Destroy itself), so they reach the backend only through
/// this, which the final "closed" callback frees.
struct connection_events {
  std::mutex mu;
  nats_backend* owner = nullptr;
};

namespace {

template <void (nats_backend::*Handler)()>
void forward_event(natsConnection*, void* closure) {
  auto* ev = static_cast<connection_events*>(closure);
  std::lock_guard lock(ev->mu);
  if (ev->owner) (ev->owner->*Handler)();
}

void closed_cb(natsConnection*, void* closure) {
  auto* ev = static_cast<connection_events*>(closure);
  {
    std::lock_guard lock(ev->mu);
    if (ev->owner) ev->owner->on_closed();
  }
  // The last callback cnats makes for a connection.
  delete ev;
}

class nats_subscription final : public subscription {
 public:
  nats_subscription(std::shared_ptr<live_sub> live) : live_(std::move(live)) {}
  ~nats_subscription() override { cancel(); }
  void cancel() override {
    if (!live_) return;
    natsSubscription* sub = nullptr;
    {
      std::lock_guard lock(live_->mu);
      live_->cancelled = true;
      sub = std::exchange(live_->sub, nullptr);
    }
    if (sub) release_live(sub);
    live_.reset();
  }

 private:
  std::shared_ptr<live_sub> live_;
};

}  // namespace

nats_backend::nats_backend() {
  caps_.native_long_poll = false;
  caps_.cross_process_live = true;
  caps_.sender_is_identity = true;
  caps_.stores_in_reply_to = true;
  caps_.max_page = 10000;
  caps_.zero_cursor = "0";
}

nats_backend::~nats_backend() { disconnect(); }

void nats_backend::set_health_listener(health_listener listener) { health_listener_ = std::move(listener); }

void nats_backend::report(health state, const std::string& reason) {
  {
    std::lock_guard lock(health_mu_);
    if (state == last_health_ && state == health::connected) return;
    last_health_ = state;
  }
  if (health_listener_) health_listener_(state, reason);
}

std::string nats_backend::stream_of(const std::string& topic) const { return stream_for(cfg_.stream_prefix, topic); }

std::string nats_backend::subject_of(const std::string& topic) const {
  return subject_for(cfg_.subject_prefix, topic);
}

const parley::capabilities& nats_backend::capabilities() const noexcept {
  return caps_;
}

result<void> nats_backend::connect(const config::value& backend_config) {
  return connect_typed<nats_config>(*this, backend_config, "NATS");
}

result<void> nats_backend::connect(const nats_config& cfg) {
  if (open_) return fail(errc::internal, "nats backend: connect() called twice");
  cfg_ = cfg;
  client_policy policy;
  policy.max_reconnect_attempts = static_cast<int>(cfg_.max_reconnect_attempts);
  policy.reconnect_wait_ms = cfg_.reconnect_wait_ms;
  policy.reconnect_jitter_ms = cfg_.reconnect_jitter_ms;
  opts_ = make_client_options(cfg_.connection, policy);
  if (!opts_) return fail(errc::backend_unavailable, "cannot create NATS options: out of memory");
  events_ = new connection_events;
  events_->owner = this;
  natsOptions_SetDisconnectedCB(opts_, forward_event<&nats_backend::on_disconnected>, events_);
  natsOptions_SetReconnectedCB(opts_, forward_event<&nats_backend::on_reconnected>, events_);
  natsOptions_SetClosedCB(opts_, closed_cb, events_);

  natsStatus s = natsConnection_Connect(&nc_, opts_);
  if (s != NATS_OK) {
    // No connection, so no callback will ever free it.
    delete events_;
    events_ = nullptr;
    std::string why = status_text(s);
    natsOptions_Destroy(opts_);
    opts_ = nullptr;
    nc_ = nullptr;
    return fail(errc::backend_unavailable, "cannot connect to NATS at " + cfg_.connection.servers.front() + ": " + why);
  }
  jsOptions jso;
  jsOptions_Init(&jso);
  jso.Wait = cfg_.request_timeout_ms;
  s = natsConnection_JetStream(&js_, nc_, &jso);
  if (s != NATS_OK) {
    std::string why = status_text(s);
    release_connection();
    return fail(errc::backend_unavailable, "NATS JetStream unavailable: " + why);
  }
  // The JSON payload must fit the server's max_payload; escaping adds a
  // little, so leave room.
  const std::int64_t max_payload = natsConnection_GetMaxPayload(nc_);
  caps_.max_content_bytes = max_payload > 8192 ? static_cast<std::size_t>(max_payload - 4096) : 4096;
  open_ = true;
  stopping_ = false;
  control_ = std::thread([this] { control_loop(); });
  report(health::connected, "connected to " + cfg_.connection.servers.front());
  return {};
}

void nats_backend::disconnect() {
  if (!open_.exchange(false)) return;
  {
    std::lock_guard lock(control_mu_);
    stopping_ = true;
  }
  control_cv_.notify_all();
  if (control_.joinable()) control_.join();
  std::vector<std::shared_ptr<live_sub>> subs;
  {
    std::lock_guard lock(subs_mu_);
    subs.swap(subs_);
  }
  for (auto& live : subs) {
    natsSubscription* sub = nullptr;
    {
      std::lock_guard lock(live->mu);
      live->cancelled = true;
      sub = std::exchange(live->sub, nullptr);
    }
    if (sub) release_live(sub);
  }
  {
    std::lock_guard lock(readers_mu_);
    readers_.clear();
  }
  jsCtx_Destroy(js_);
  js_ = nullptr;
  release_connection();
  std::lock_guard lock(streams_mu_);
  known_streams_.clear();
}

bool nats_backend::connected() const {
  return open_ && natsConnection_Status(nc_) == NATS_CONN_STATUS_CONNECTED;
}

void nats_backend::on_disconnected() {
  if (!open_) return;
  report(health::retrying, "lost the NATS connection; reconnecting");
}

void nats_backend::on_reconnected() {
  if (!open_) return;
  // Subscriptions are rebuilt on the control thread, never in a callback.
  {
    std::lock_guard lock(control_mu_);
    resubscribe_pending_ = true;
  }
  control_cv_.notify_all();
}

void nats_backend::on_closed() {
  if (open_) report(health::failed, "the NATS connection closed and will not reconnect");
}

void nats_backend::release_connection() {
  {
    std::lock_guard lock(events_->mu);
    events_->owner = nullptr;
  }
  events_ = nullptr;  // freed by the closed callback
  natsConnection_Close(nc_);
  natsConnection_Destroy(nc_);
  nc_ = nullptr;
  natsOptions_Destroy(opts_);
  opts_ = nullptr;
}

result<void> nats_backend::ensure_stream(const std::string& topic) {
  const std::string stream = stream_of(topic);
  {
    std::lock_guard lock(streams_mu_);
    if (known_streams_.count(stream)) return {};
  }
  const std::string subject = subject_of(topic);
  const char* subjects[] = {subject.c_str()};
  jsStreamConfig sc;
  jsStreamConfig_Init(&sc);
  sc.Name = stream.c_str();
  sc.Subjects = subjects;
  sc.SubjectsLen = 1;
  sc.Storage = js_FileStorage;
  if (cfg_.retention_days) sc.MaxAge = *cfg_.retention_days * 86'400LL * 1'000'000'000LL;
  jsStreamInfo* si = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  natsStatus s = js_AddStream(&si, js_, &sc, nullptr, &jerr);
  // Transient server-side failures get two more tries before the post
  // fails (the caller may retry anyway): the JetStream API answers slowly
  // under load (timeout), and nats-server 2.9 sometimes fails to create a
  // stream's file store while others are created and deleted around it
  // (JetStream error 10049, seen in CI).
  constexpr auto store_failed = static_cast<jsErrCode>(10049);
  for (int attempt = 1; attempt < 3 && (s == NATS_TIMEOUT || jerr == store_failed); ++attempt) {
    if (si) jsStreamInfo_Destroy(si);
    si = nullptr;
    jerr = static_cast<jsErrCode>(0);
    std::this_thread::sleep_for(std::chrono::milliseconds(50 * attempt));
    s = js_AddStream(&si, js_, &sc, nullptr, &jerr);
  }
  if (si) jsStreamInfo_Destroy(si);
  if (s != NATS_OK && jerr != stream_name_in_use) {
    // Not remembered: the next call tries again (a transient failure must
    // not stick).
    return fail(errc::backend_unavailable, "cannot create stream " + stream + ": " + status_text(s, jerr));
  }
  std::lock_guard lock(streams_mu_);
  known_streams_.insert(stream);
  return {};
}

result<stored_post> nats_backend::post(const post_request& req) {
  if (!connected()) return fail(errc::backend_unavailable, "NATS is not connected; post not sent");
  if (auto r = ensure_stream(req.topic); !r) return r.error();
  const std::string payload = encode_payload(req.identity, req.content, iso8601_now(), req.in_reply_to);
  if (payload.size() > static_cast<std::size_t>(natsConnection_GetMaxPayload(nc_)))
    return fail(errc::payload_too_large, "message of " + std::to_string(req.content.size()) +
                                             " bytes exceeds the NATS server's max_payload");
  jsPubAck* ack = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  const std::string subject = subject_of(req.topic);
  natsStatus s = js_Publish(&ack, js_, subject.c_str(), payload.data(), static_cast<int>(payload.size()), nullptr, &jerr);
  if (s != NATS_OK) {
    if (jerr == stream_not_found) {
      std::lock_guard lock(streams_mu_);
      known_streams_.erase(stream_of(req.topic));
    }
    return fail(errc::backend_unavailable, "publish to " + subject + " failed: " + status_text(s, jerr));
  }
  const std::uint64_t seq = ack->Sequence;
  jsPubAck_Destroy(ack);
  // Decoded from the payload sent, so the message is byte for byte what a
  // fetch will decode. Each topic has its own stream, so the message before
  // this one is the previous sequence (0, the zero cursor, for the first).
  message m = decode_payload(payload);
  m.topic = req.topic;
  m.backend_msg_id = std::to_string(seq);
  m.cursor = cursor{m.backend_msg_id};
  return stored_post{std::move(m), cursor{std::to_string(seq - 1)}};
}

namespace {

/// Positions `reader` at `start` with a new pull consumer on the stream.
result<void> open_reader(jsCtx* js, stream_reader& reader, const std::string& stream, const std::string& subject,
                         std::uint64_t start) {
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = stream.c_str();
  so.Config.DeliverPolicy = js_DeliverByStartSequence;
  so.Config.OptStartSeq = start;
  so.Config.AckPolicy = js_AckNone;
  so.Config.InactiveThreshold = reader_idle_ns;
  so.Config.FilterSubject = subject.c_str();
  jsErrCode jerr = static_cast<jsErrCode>(0);
  const natsStatus s = js_PullSubscribe(&reader.sub, js, subject.c_str(), nullptr, nullptr, &so, &jerr);
  if (s != NATS_OK) {
    reader.sub = nullptr;
    return fail(errc::backend_unavailable, "cannot read stream " + stream + ": " + status_text(s, jerr));
  }
  reader.next_seq = start;
  return {};
}

/// Fetches until `out` holds `wanted` or the stream has no more; a failed
/// fetch's status, else NATS_OK.
natsStatus pull_into(stream_reader& reader, const std::string& topic, std::size_t wanted,
                     std::int64_t request_timeout_ms, page& out) {
  while (out.messages.size() < wanted) {
    jsFetchRequest fr;
    jsFetchRequest_Init(&fr);
    fr.Batch = static_cast<int>(wanted - out.messages.size());
    fr.NoWait = true;
    fr.Expires = request_timeout_ms * 1'000'000;
    natsMsgList list{};
    const natsStatus s = natsSubscription_FetchRequest(&list, reader.sub, &fr);
    if (s != NATS_OK && s != NATS_TIMEOUT && s != NATS_NOT_FOUND) return s;
    for (int i = 0; i < list.Count; ++i) {
      message m = to_message(list.Msgs[i], topic);
      reader.next_seq = std::stoull(m.backend_msg_id) + 1;
      out.messages.push_back(std::move(m));
    }
    const int got = list.Count;
    natsMsgList_Destroy(&list);
    if (got == 0) break;  // the rest was deleted (retention) or not there yet
  }
  return NATS_OK;
}

}  // namespace

result<page> nats_backend::fetch_recent(const fetch_request& req) {
  if (!open_) return fail(errc::not_connected, "nats backend is not connected");
  std::optional<std::uint64_t> since;
  if (req.since) {
    since = parse_sequence(req.since->text);
    if (!since)
      return fail(errc::malformed_cursor, "parley-nats: malformed cursor '" + req.since->text + "' for topic " +
                                              req.topic + " — expected a stream sequence minted by this backend");
  }
  if (!connected()) return fail(errc::backend_unavailable, "NATS is not connected");
  if (auto r = ensure_stream(req.topic); !r) return r.error();
  const std::string stream = stream_of(req.topic);
  auto bounds = stream_bounds_of(stream);
  if (!bounds) return bounds.error();
  const std::uint64_t first = bounds->first;
  const std::uint64_t last = bounds->last;

  const std::size_t limit = std::min(req.limit, caps_.max_page);
  page out;
  out.next_cursor = cursor{since ? std::to_string(*since) : (limit == 0 ? caps_.zero_cursor : std::to_string(last))};
  if (limit == 0) return out;
  std::uint64_t start = since ? *since + 1 : std::max<std::uint64_t>({first, 1, last >= limit ? last - limit + 1 : 1});
  if (bounds->messages == 0 || start > last) return out;
  start = std::max(start, first);
  const std::size_t wanted = static_cast<std::size_t>(std::min<std::uint64_t>(limit, last - start + 1));

  auto reader = reader_of(req.topic);
  std::lock_guard reader_lock(reader->mu);
  if (auto r = read_stream(*reader, req.topic, start, wanted, out); !r) return r.error();
  if (!out.messages.empty()) out.next_cursor = out.messages.back().cursor;
  return out;
}

result<nats_backend::stream_bounds> nats_backend::stream_bounds_of(const std::string& stream) {
  jsStreamInfo* si = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  natsStatus s = js_GetStreamInfo(&si, js_, stream.c_str(), nullptr, &jerr);
  if (s != NATS_OK) {
    if (jerr == stream_not_found) {
      std::lock_guard lock(streams_mu_);
      known_streams_.erase(stream);
    }
    return fail(errc::backend_unavailable, "stream info of " + stream + " failed: " + status_text(s, jerr));
  }
  stream_bounds out{si->State.FirstSeq, si->State.LastSeq, si->State.Msgs};
  jsStreamInfo_Destroy(si);
  return out;
}

std::shared_ptr<stream_reader> nats_backend::reader_of(const std::string& topic) {
  std::lock_guard lock(readers_mu_);
  auto& slot = readers_[topic];
  if (!slot) slot = std::make_shared<stream_reader>();
  return slot;
}

result<void> nats_backend::read_stream(stream_reader& reader, const std::string& topic, std::uint64_t start,
                                       std::size_t wanted, page& out) {
  const std::int64_t now = nats_NowInNanoSeconds();
  if (reader.sub && (reader.next_seq != start || now - reader.last_used_ns > reader_idle_ns / 2)) reader.reset();
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!reader.sub)
      if (auto r = open_reader(js_, reader, stream_of(topic), subject_of(topic), start); !r) return r;
    const natsStatus s = pull_into(reader, topic, wanted, cfg_.request_timeout_ms, out);
    if (s == NATS_OK) break;
    // The consumer expired or the server restarted: one more try with a new one.
    reader.reset();
    if (attempt == 1 || !out.messages.empty())
      return fail(errc::backend_unavailable, "reading stream " + stream_of(topic) + " failed: " + status_text(s));
  }
  reader.last_used_ns = nats_NowInNanoSeconds();
  return {};
}

result<void> nats_backend::start_delivery(const std::shared_ptr<live_sub>& live_ptr) {
  live_sub& live = *live_ptr;
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = live.stream.c_str();
  so.Ordered = true;
  so.Config.InactiveThreshold = 30'000'000'000;  // ns: the server drops it 30 s after we stop listening
  so.Config.DeliverPolicy = js_DeliverByStartSequence;
  so.Config.OptStartSeq = live.last_delivered + 1;
  natsSubscription* sub = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  auto* ctx = new delivery_ctx{live_ptr, 0};
  {
    std::lock_guard lock(live.mu);
    ctx->generation = ++live.generation;
  }
  natsStatus s = js_Subscribe(&sub, js_, live.subject.c_str(), on_live_message, ctx, nullptr, &so, &jerr);
  if (s != NATS_OK) {
    delete ctx;
    return fail(errc::backend_unavailable, "cannot follow stream " + live.stream + ": " + status_text(s, jerr));
  }
  if (natsSubscription_SetOnCompleteCB(sub, on_subscription_complete, ctx) != NATS_OK) {
    // The subscription already closed; cnats will not call back again.
    delete ctx;
  }
  natsSubscription* old = nullptr;
  {
    std::lock_guard lock(live.mu);
    if (live.cancelled) {
      old = sub;
    } else {
      old = std::exchange(live.sub, sub);
    }
  }
  if (old) release_live(old);
  return {};
}

result<std::unique_ptr<subscription>> nats_backend::subscribe(const std::string& topic, subscription_sink& sink) {
  if (!connected()) return fail(errc::backend_unavailable, "NATS is not connected");
  if (auto r = ensure_stream(topic); !r) return r.error();
  auto live = std::make_shared<live_sub>();
  live->topic = topic;
  live->subject = subject_of(topic);
  live->stream = stream_of(topic);
  live->sink = &sink;
  // The concrete tail, read before the consumer exists: every message after
  // it is delivered, including one posted the instant subscribe returns.
  jsStreamInfo* si = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  natsStatus s = js_GetStreamInfo(&si, js_, live->stream.c_str(), nullptr, &jerr);
  if (s != NATS_OK)
    return fail(errc::backend_unavailable, "cannot read the tail of " + live->stream + ": " + status_text(s, jerr));
  live->last_delivered = si->State.LastSeq;
  jsStreamInfo_Destroy(si);
  {
    std::lock_guard lock(subs_mu_);
    // Forget feeds cancelled since the last subscribe.
    subs_.erase(std::remove_if(subs_.begin(), subs_.end(),
                               [](const std::shared_ptr<live_sub>& l) {
                                 std::lock_guard live_lock(l->mu);
                                 return l->cancelled;
                               }),
                subs_.end());
    subs_.push_back(live);
  }
  if (auto r = start_delivery(live); !r) {
    std::lock_guard lock(subs_mu_);
    subs_.erase(std::remove(subs_.begin(), subs_.end(), live), subs_.end());
    return r.error();
  }
  return std::unique_ptr<subscription>(std::make_unique<nats_subscription>(live));
}

result<identity_ref> nats_backend::resolve_identity(const std::string& handle) { return identity_ref{handle, handle}; }

void nats_backend::control_loop() {
  // Jittered, so the many gateways that lost one NATS server do not all
  // rebuild their consumers in the same instant when it returns.
  parley::backoff retry(std::chrono::milliseconds(50), resubscribe_backoff_max);
  std::unique_lock lock(control_mu_);
  for (;;) {
    control_cv_.wait_for(lock, std::chrono::seconds(5), [this] { return stopping_ || resubscribe_pending_; });
    if (stopping_) return;
    // Fetch consumers idle past their server-side expiry are dropped here.
    {
      std::lock_guard readers_lock(readers_mu_);
      const std::int64_t now = nats_NowInNanoSeconds();
      for (auto it = readers_.begin(); it != readers_.end();) {
        std::unique_lock rl(it->second->mu, std::try_to_lock);
        if (rl && now - it->second->last_used_ns > reader_idle_ns) {
          rl.unlock();
          it = readers_.erase(it);
        } else {
          ++it;
        }
      }
    }
    if (!resubscribe_pending_) continue;
    resubscribe_pending_ = false;
    lock.unlock();
    // The server may have restarted: its ephemeral consumers and our
    // memo of existing streams are gone. Rebuild every live feed from the
    // last sequence it delivered, so nothing is lost or repeated.
    {
      std::lock_guard streams_lock(streams_mu_);
      known_streams_.clear();
    }
    {
      std::lock_guard readers_lock(readers_mu_);
      readers_.clear();
    }
    std::vector<std::shared_ptr<live_sub>> subs;
    {
      std::lock_guard subs_lock(subs_mu_);
      subs = subs_;
    }
    bool all_ok = true;
    std::string why;
    for (auto& live : subs) {
      {
        std::lock_guard live_lock(live->mu);
        if (live->cancelled) continue;
      }
      if (auto r = ensure_stream(live->topic); !r) {
        all_ok = false;
        why = r.error().message;
        break;
      }
      if (auto r = start_delivery(live); !r) {
        all_ok = false;
        why = r.error().message;
        break;
      }
    }
    lock.lock();
    if (all_ok) {
      retry.reset();
      lock.unlock();
      report(health::connected, "reconnected to NATS; live feeds resumed");
      lock.lock();
    } else {
      log::warn("nats", "resuming live feeds failed (" + why + "); retrying");
      resubscribe_pending_ = true;
      control_cv_.wait_for(lock, retry.next(), [this] { return stopping_; });
    }
  }
}

namespace {
const backend_registrar registration{"nats", {"local-nats"}, [] { return std::make_unique<nats_backend>(); }};
}  // namespace

}  // namespace parley::nats
