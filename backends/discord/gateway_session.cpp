#include "backends/discord/gateway_session.hpp"

#include "src/util/window_limiter.hpp"
#include "src/util/log.hpp"

namespace parley::discord {

namespace {

constexpr const char* component = "discord";
using clock_type = std::chrono::steady_clock;
using std::chrono::milliseconds;

/// HELLO must come soon after the handshake.
constexpr milliseconds hello_timeout{10'000};
/// Frames above this are worth a log line: only a large guild's READY is.
constexpr std::size_t big_frame = 1024 * 1024;

/// The process's IDENTIFY budget per bot token, in 5 s windows of
/// `max_concurrency` sessions: more and Discord closes the socket, and a bot
/// that keeps trying gets its token reset.
window_limiter& identify_limiter() {
  static window_limiter limiter(std::chrono::milliseconds(5000));
  return limiter;
}

}  // namespace

struct gateway_session::connection_state {
  milliseconds interval{41250};
  clock_type::time_point next_beat;
  bool acked = true;
};

gateway_session::gateway_session(discord_api& api, const discord_config& cfg, gateway_hooks hooks)
    : api_(api), cfg_(cfg), hooks_(std::move(hooks)), rng_(std::random_device{}()) {}

gateway_session::~gateway_session() { stop(); }

void gateway_session::start() { thread_ = std::thread([this] { run(); }); }

result<void> gateway_session::wait_ready(milliseconds timeout) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return ready_ || terminal_ || stopping_.load(); });
  if (terminal_) return *terminal_;
  if (ready_) return {};
  if (stopping_) return fail(errc::not_connected, "the Discord backend is disconnected");
  return fail(errc::backend_unavailable, "the Discord gateway did not become ready within " +
                                             std::to_string(timeout.count()) + " ms");
}

void gateway_session::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    if (conn_ != nullptr) conn_->close(1000, "disconnect");
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool gateway_session::sleep_for(milliseconds d) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, d, [&] { return stopping_.load(); });
}

void gateway_session::set_ready(bool ready, std::optional<error> terminal) {
  {
    std::lock_guard lock(mu_);
    ready_ = ready;
    if (terminal) terminal_ = std::move(terminal);
  }
  cv_.notify_all();
}

void gateway_session::report(health h, const std::string& why) {
  if (reported_ == h && h != health::failed) return;
  reported_ = h;
  if (h != health::connected) log::warn(component, why);
  if (hooks_.on_health) hooks_.on_health(h, why);
}

void gateway_session::run() {
  bool resume = false;
  while (!stopping_) {
    const next_step step = connect_once(resume);
    set_ready(false);
    if (stopping_ || step == next_step::stop) break;
    resume = step == next_step::resume && !session_id_.empty() && !resume_url_.empty();
    if (!resume) {
      session_id_.clear();
      seq_.reset();
    }
    if (!sleep_for(gateway::reconnect_delay(failures_++, rng_))) break;
  }
}

result<std::string> gateway_session::identify_url() {
  while (!stopping_) {
    auto g = api_.gateway_bot();
    if (!g) return g.error();
    if (g->remaining <= 0) {
      const milliseconds wait{std::max<std::int64_t>(g->reset_after_ms, 1000)};
      report(health::retrying, "Discord identify budget spent (session_start_limit.remaining 0): waiting " +
                                   std::to_string(wait.count() / 1000) + " s before starting a session");
      if (!sleep_for(wait)) break;
      continue;
    }
    const auto wait = identify_limiter().reserve(cfg_.token, static_cast<long>(g->max_concurrency),
                                                         clock_type::now());
    if (wait.count() > 0 && !sleep_for(wait)) break;
    return cfg_.gateway_url.empty() ? g->url : cfg_.gateway_url;
  }
  return fail(errc::not_connected, "the Discord backend is disconnected");
}

gateway_session::next_step gateway_session::connect_once(bool resume) {
  std::string url = resume_url_;
  if (!resume) {
    auto u = identify_url();
    if (!u) {
      if (stopping_) return next_step::stop;
      if (u.error().code == errc::bad_credentials) {
        report(health::failed, u.error().message);
        set_ready(false, u.error());
        return next_step::stop;
      }
      report(health::retrying, u.error().message);
      return next_step::identify;
    }
    url = *u;
  }
  ws::ws_settings settings;
  settings.label = "Discord gateway";
  auto conn = ws::ws_connection::open(gateway::connect_url(url), settings);
  if (!conn) {
    report(health::retrying, conn.error().message);
    return resume ? next_step::resume : next_step::identify;
  }
  {
    std::lock_guard lock(mu_);
    if (stopping_) return next_step::stop;
    conn_ = conn->get();
  }
  const next_step step = serve(**conn, resume);
  std::lock_guard lock(mu_);
  conn_ = nullptr;
  return step;
}

gateway_session::next_step gateway_session::serve(ws::ws_connection& conn, bool resume) {
  auto first = conn.receive(hello_timeout);
  if (!first) return on_closed(conn);
  result<gateway::frame> hello = fail(errc::backend_unavailable, "no HELLO in time");
  if (*first) hello = gateway::parse_frame(**first);
  if (!hello || hello->op != gateway::hello) {
    conn.close(4000, "expected HELLO");
    report(health::retrying, "Discord gateway: no HELLO after the handshake");
    return resume ? next_step::resume : next_step::identify;
  }
  connection_state st;
  st.interval = milliseconds(std::max<std::int64_t>(json::member<std::int64_t>(hello->data(), "heartbeat_interval")
                                                        .value_or(41250), 100));
  st.next_beat = clock_type::now() + gateway::first_heartbeat(st.interval, rng_);
  (void)conn.send(resume ? gateway::resume_frame(cfg_.token, session_id_, seq_.value_or(0))
                         : gateway::identify_frame(cfg_.token));
  while (!stopping_) {
    const auto left = std::chrono::duration_cast<milliseconds>(st.next_beat - clock_type::now());
    auto text = conn.receive(std::max(left, milliseconds(0)));
    if (!text) return on_closed(conn);
    if (!*text) {
      if (auto step = beat(conn, st)) return *step;
      continue;
    }
    if ((*text)->size() > big_frame)
      log::info(component, "a gateway frame of " + std::to_string((*text)->size()) + " bytes");
    auto f = gateway::parse_frame(**text);
    if (!f) {
      log::warn(component, "skipping a gateway frame of " + std::to_string((*text)->size()) +
                               " bytes: " + f.error().message);
      continue;
    }
    if (auto step = on_frame(conn, st, *f)) return *step;
  }
  return next_step::stop;
}

std::optional<gateway_session::next_step> gateway_session::beat(ws::ws_connection& conn, connection_state& st) {
  if (clock_type::now() < st.next_beat) return std::nullopt;
  if (!st.acked) {
    // A zombie connection: Discord's advice is to close with a code other
    // than 1000 (which would end the session) and resume.
    report(health::retrying, "no heartbeat ACK from the Discord gateway within an interval; resuming");
    conn.close(4000, "heartbeat ACK missing");
    return next_step::resume;
  }
  (void)conn.send(gateway::heartbeat_frame(seq_));
  st.acked = false;
  st.next_beat = clock_type::now() + st.interval;
  return std::nullopt;
}

std::optional<gateway_session::next_step> gateway_session::on_frame(ws::ws_connection& conn, connection_state& st,
                                                                    const gateway::frame& f) {
  switch (f.op) {
    case gateway::dispatch:
      if (f.seq) seq_ = *f.seq;
      on_dispatch(f);
      return std::nullopt;
    case gateway::heartbeat:
      (void)conn.send(gateway::heartbeat_frame(seq_));
      return std::nullopt;
    case gateway::heartbeat_ack:
      st.acked = true;
      return std::nullopt;
    case gateway::reconnect:
      report(health::retrying, "the Discord gateway asked for a reconnect (op 7); resuming");
      conn.close(4000, "reconnect requested");
      return next_step::resume;
    case gateway::invalid_session: {
      bool resumable = false;
      if (f.data().get(resumable) != simdjson::SUCCESS) resumable = false;
      conn.close(4000, "invalid session");
      report(health::retrying, std::string("the Discord gateway invalidated the session (op 9); ") +
                                   (resumable ? "resuming" : "starting a new one"));
      if (resumable) return next_step::resume;
      session_id_.clear();
      seq_.reset();
      // The original's wait before a new IDENTIFY, so a flapping session does
      // not spend the identify budget in a burst.
      if (!sleep_for(gateway::invalid_session_wait(rng_))) return next_step::stop;
      return next_step::identify;
    }
    default:
      log::debug(component, "ignoring gateway op " + std::to_string(f.op));
      return std::nullopt;
  }
}

void gateway_session::on_dispatch(const gateway::frame& f) {
  if (f.type == "MESSAGE_CREATE") {
    auto m = read_message(f.data());
    if (!m) {
      log::warn(component, "skipping a MESSAGE_CREATE: " + m.error().message);
      return;
    }
    if (hooks_.on_message) hooks_.on_message(*m);
  } else if (f.type == "READY") {
    session_id_ = json::text_of(f.data(), "session_id").value_or("");
    resume_url_ = json::text_of(f.data(), "resume_gateway_url").value_or(cfg_.gateway_url);
    failures_ = 0;
    report(health::connected, "Discord gateway session ready");
    // A new session: Discord replays nothing from before it.
    if (hooks_.on_new_session) hooks_.on_new_session();
    set_ready(true);
  } else if (f.type == "RESUMED") {
    failures_ = 0;
    report(health::connected, "Discord gateway session resumed");
    set_ready(true);
  } else {
    log::debug(component, "ignoring gateway event " + f.type);
  }
}

gateway_session::next_step gateway_session::on_closed(const ws::ws_connection& conn) {
  if (stopping_) return next_step::stop;  // our own close, from stop()
  const auto closed = conn.closed();
  const std::uint16_t code = closed ? closed->code : 1006;
  switch (gateway::classify_close(code)) {
    case gateway::after_close::stop: {
      const std::string why = gateway::terminal_reason(code);
      report(health::failed, why);
      set_ready(false, error{code == 4004 ? errc::bad_credentials : errc::invalid_config, why});
      return next_step::stop;
    }
    case gateway::after_close::identify:
      report(health::retrying, "Discord gateway closed the session (code " + std::to_string(code) + "); reconnecting");
      return next_step::identify;
    case gateway::after_close::resume:
      break;
  }
  report(health::retrying, "Discord gateway connection lost (code " + std::to_string(code) + "); resuming");
  return next_step::resume;
}

}  // namespace parley::discord
