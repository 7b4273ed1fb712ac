#include "backends/postgres/notify_listener.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <charconv>

#include "src/util/log.hpp"

namespace parley::postgres {

namespace {

using clock_type = std::chrono::steady_clock;
constexpr auto connect_attempt_limit = std::chrono::seconds(15);
constexpr std::int64_t error_log_every = 100;

std::optional<std::int64_t> parse_seq(const char* text) {
  if (!text || !*text) return std::nullopt;
  const std::string_view s(text);
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string quoted(const std::string& channel) {
  return "\"" + channel + "\"";
}

/// A live subscription handed to the caller. Holds the listener weakly, so
/// that it may outlive disconnect() and the backend itself.
class pg_subscription final : public subscription {
 public:
  pg_subscription(std::weak_ptr<notify_listener> listener,
                  std::shared_ptr<notify_listener::live_sub> sub)
      : listener_(std::move(listener)), sub_(std::move(sub)) {}
  ~pg_subscription() override { cancel(); }

  void cancel() override {
    if (!sub_) return;
    sub_->active = false;
    if (auto l = listener_.lock()) l->cancel(sub_);
    sub_.reset();
  }

 private:
  std::weak_ptr<notify_listener> listener_;
  std::shared_ptr<notify_listener::live_sub> sub_;
};

}  // namespace

notify_listener::notify_listener(std::string url, const pg_schema& schema,
                                 std::shared_ptr<health_board> health,
                                 std::weak_ptr<connection_pool> pool)
    : url_(std::move(url)), schema_(schema), health_(std::move(health)), pool_(std::move(pool)) {
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

notify_listener::~notify_listener() {
  stop();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

result<void> notify_listener::prepare(const connection& c) const {
  if (auto r = c.prepare("catch_up", schema_.catch_up, 2); !r) return r;
  return c.prepare("topic_tail", schema_.topic_tail, 1);
}

result<void> notify_listener::start(connection conn) {
  if (wake_fd_ < 0) return fail(errc::io_error, "parley-postgres: eventfd failed");
  if (auto r = prepare(conn); !r) return r;
  conn_ = std::move(conn);
  // The thread keeps the listener alive: stop() may be called from a sink,
  // on the thread itself, which then outlives the call.
  thread_ = std::thread([self = shared_from_this()] { self->run(); });
  thread_id_ = thread_.get_id();
  return {};
}

void notify_listener::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  halted_ = true;
  wake();
  ring_cv_.notify_all();
  if (thread_.joinable()) {
    if (std::this_thread::get_id() == thread_id_) {
      // Called from a sink: the thread cannot join itself. It calls no
      // other sink (halted_) and exits when this call returns.
      log::error("postgres", "disconnect() called from inside a subscription sink");
      thread_.detach();
    } else {
      thread_.join();
    }
  }
  // Commands that raced the stop.
  std::deque<std::unique_ptr<command>> left;
  {
    std::lock_guard lock(mu_);
    left.swap(commands_);
  }
  for (auto& c : left)
    if (c->what == command::kind::subscribe || c->what == command::kind::watch)
      c->done.set_value(fail(errc::not_connected, "parley-postgres: disconnected"));
}

bool notify_listener::stopping() const {
  std::lock_guard lock(mu_);
  return stopping_;
}

void notify_listener::wake() noexcept {
  const std::uint64_t one = 1;
  if (wake_fd_ >= 0) (void)!::write(wake_fd_, &one, sizeof one);
}

void notify_listener::drain_wake_fd() noexcept {
  std::uint64_t n = 0;
  (void)!::read(wake_fd_, &n, sizeof n);
}

void notify_listener::enqueue(std::unique_ptr<command> cmd) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      if (cmd->what == command::kind::subscribe || cmd->what == command::kind::watch)
        cmd->done.set_value(fail(errc::not_connected, "parley-postgres: disconnected"));
      return;
    }
    commands_.push_back(std::move(cmd));
  }
  wake();
}

result<std::unique_ptr<subscription>> notify_listener::subscribe(const std::string& topic,
                                                                 subscription_sink& sink) {
  if (std::this_thread::get_id() == thread_id_)
    return fail(errc::internal,
                "parley-postgres: subscribe() called from inside a subscription sink");
  auto sub = std::make_shared<live_sub>();
  sub->topic = topic;
  sub->sink = &sink;
  auto cmd = std::make_unique<command>();
  cmd->what = command::kind::subscribe;
  cmd->topic = topic;
  cmd->sub = sub;
  auto done = cmd->done.get_future();
  enqueue(std::move(cmd));
  auto r = done.get();
  if (!r) return r.error();
  return std::unique_ptr<subscription>(std::make_unique<pg_subscription>(weak_from_this(), sub));
}

void notify_listener::cancel(const std::shared_ptr<live_sub>& sub) {
  sub->active = false;
  // Wait for a sink call in flight; later calls see `active` false. From the
  // listener thread itself (a sink cancelling) there is nothing to wait for.
  if (std::this_thread::get_id() != thread_id_) {
    std::lock_guard wait_for_delivery(delivery_mu_);
  }
  auto cmd = std::make_unique<command>();
  cmd->what = command::kind::cancel;
  cmd->topic = sub->topic;
  cmd->sub = sub;
  enqueue(std::move(cmd));
}

result<std::uint64_t> notify_listener::watch(const std::string& topic,
                                             clock_type::time_point deadline) {
  std::uint64_t seen = 0;
  auto cmd = std::make_unique<command>();
  cmd->what = command::kind::watch;
  cmd->topic = topic;
  auto done = cmd->done.get_future();
  {
    std::lock_guard lock(mu_);
    if (stopping_) return fail(errc::not_connected, "parley-postgres: disconnected");
    auto& d = doorbells_[topic];
    ++d.watchers;
    seen = d.rings;
  }
  enqueue(std::move(cmd));
  // Every watch command is paired with one unwatch, also when it failed.
  if (done.wait_until(deadline) != std::future_status::ready) {
    unwatch(topic);
    return fail(errc::backend_unavailable, "parley-postgres: LISTEN did not complete in time");
  }
  if (auto r = done.get(); !r) {
    unwatch(topic);
    return r.error();
  }
  return seen;
}

bool notify_listener::wait_ring(const std::string& topic, std::uint64_t& seen,
                                clock_type::time_point deadline) {
  std::unique_lock lock(mu_);
  ring_cv_.wait_until(lock, deadline, [&] {
    if (stopping_) return true;
    auto it = doorbells_.find(topic);
    return it == doorbells_.end() || it->second.rings != seen;
  });
  if (stopping_) return false;
  auto it = doorbells_.find(topic);
  if (it == doorbells_.end() || it->second.rings == seen) return false;
  seen = it->second.rings;
  return true;
}

void notify_listener::unwatch(const std::string& topic) {
  {
    std::lock_guard lock(mu_);
    auto it = doorbells_.find(topic);
    if (it != doorbells_.end() && --it->second.watchers <= 0) doorbells_.erase(it);
  }
  auto cmd = std::make_unique<command>();
  cmd->what = command::kind::unwatch;
  cmd->topic = topic;
  enqueue(std::move(cmd));
}

void notify_listener::ring(const std::string& topic) {
  std::lock_guard lock(mu_);
  auto it = doorbells_.find(topic);
  if (it == doorbells_.end()) return;
  ++it->second.rings;
  ring_cv_.notify_all();
}

void notify_listener::ring_all() {
  std::lock_guard lock(mu_);
  for (auto& [topic, d] : doorbells_) ++d.rings;
  ring_cv_.notify_all();
}

// ---- the listener thread -------------------------------------------------

void notify_listener::run() {
  while (!stopping()) {
    if (!conn_.ok()) {
      reconnect();
      continue;
    }
    process_commands();
    if (!conn_.ok()) continue;
    // Notifications may already sit in libpq's buffer (read while a query
    // ran), where poll() cannot see them: take them before sleeping.
    if (take_notifications()) {
      catch_up_dirty();
      continue;
    }
    wait_input(retry_catch_up_ ? 1000 : -1);
  }
  // The connection closes on this thread; stop() fails queued commands.
  conn_ = connection{};
}

void notify_listener::wait_input(int timeout_ms) {
  pollfd fds[2] = {{conn_.socket(), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  const int n = ::poll(fds, 2, timeout_ms);
  if (n > 0 && (fds[1].revents & POLLIN)) drain_wake_fd();
  if (n > 0 && fds[0].revents != 0) {
    if (!PQconsumeInput(conn_.get()) || !conn_.ok()) lost(conn_.last_error());
  }
  if (n == 0 && retry_catch_up_) {
    retry_catch_up_ = false;
    for (auto& [name, t] : topics_)
      if (!t.subs.empty()) t.dirty = true;
  }
}

void notify_listener::process_commands() {
  std::deque<std::unique_ptr<command>> batch;
  {
    std::lock_guard lock(mu_);
    batch.swap(commands_);
  }
  for (auto& cmd : batch) {
    switch (cmd->what) {
      case command::kind::subscribe:
        cmd->done.set_value(handle_subscribe(cmd->sub));
        break;
      case command::kind::cancel:
        handle_cancel(cmd->sub);
        break;
      case command::kind::watch:
        cmd->done.set_value(handle_watch(cmd->topic));
        break;
      case command::kind::unwatch:
        handle_unwatch(cmd->topic);
        break;
    }
  }
}

notify_listener::topic_state& notify_listener::topic_for(const std::string& topic) {
  auto [it, created] = topics_.try_emplace(topic);
  if (created) {
    it->second.topic = topic;
    it->second.channel = notify_channel(topic);
    channel_to_topic_[it->second.channel] = topic;
  }
  return it->second;
}

result<void> notify_listener::ensure_listening(topic_state& t) {
  if (t.listening) return {};
  if (!conn_.ok())
    return fail(errc::backend_unavailable,
                "parley-postgres: the LISTEN connection is reconnecting");
  auto r = conn_.exec(("LISTEN " + quoted(t.channel)).c_str());
  if (!succeeded(r, PGRES_COMMAND_OK)) {
    auto err = failure(conn_, r, "LISTEN for topic \"" + t.topic + "\"");
    if (!conn_.ok()) lost(err.message);
    return err;
  }
  t.listening = true;
  return {};
}

void notify_listener::forget_if_unused(topic_state& t) {
  if (!t.subs.empty() || t.watchers > 0) return;
  if (t.listening && conn_.ok()) {
    // A failed UNLISTEN costs at most stray notifications, which are ignored.
    (void)conn_.exec(("UNLISTEN " + quoted(t.channel)).c_str());
    if (!conn_.ok()) lost(conn_.last_error());
  }
  channel_to_topic_.erase(t.channel);
  topics_.erase(t.topic);  // t dangles from here on
}

result<void> notify_listener::handle_subscribe(const std::shared_ptr<live_sub>& sub) {
  topic_state& t = topic_for(sub->topic);
  // LISTEN first, then the tail: whatever commits after the tail read
  // notifies us; whatever committed before is history, not live.
  if (auto r = ensure_listening(t); !r) {
    forget_if_unused(t);
    return r;
  }
  const param_list params{&t.topic};
  auto tail = conn_.exec_prepared("topic_tail", params);
  if (!succeeded(tail, PGRES_TUPLES_OK) || PQntuples(tail.get()) != 1) {
    auto err = failure(conn_, tail, "reading the tail of topic \"" + t.topic + "\"");
    if (!conn_.ok()) lost(err.message);
    forget_if_unused(t);
    return err;
  }
  const std::int64_t seq = parse_seq(PQgetvalue(tail.get(), 0, 0)).value_or(0);
  if (t.subs.empty()) {
    t.last = seq;
    t.dirty = false;
  }
  sub->after = std::max(seq, t.last);
  t.subs.push_back(sub);
  return {};
}

void notify_listener::handle_cancel(const std::shared_ptr<live_sub>& sub) {
  auto it = topics_.find(sub->topic);
  if (it == topics_.end()) return;
  auto& subs = it->second.subs;
  std::erase(subs, sub);
  forget_if_unused(it->second);
}

result<void> notify_listener::handle_watch(const std::string& topic) {
  // Counted even if the LISTEN fails: the caller's unwatch undoes it.
  topic_state& t = topic_for(topic);
  ++t.watchers;
  return ensure_listening(t);
}

void notify_listener::handle_unwatch(const std::string& topic) {
  auto it = topics_.find(topic);
  if (it == topics_.end()) return;
  --it->second.watchers;
  forget_if_unused(it->second);
}

bool notify_listener::take_notifications() {
  while (PGnotify* n = PQnotifies(conn_.get())) {
    auto ch = channel_to_topic_.find(n->relname);
    if (ch != channel_to_topic_.end()) {
      auto& t = topics_.at(ch->second);
      if (!t.subs.empty()) {
        // The payload is the new seq: a hint that lets the 32 notifications
        // of one group commit cost one query, not 32.
        const auto seq = parse_seq(n->extra);
        if (!seq || *seq > t.last) t.dirty = true;
      }
      if (t.watchers > 0) ring(t.topic);
    }
    PQfreemem(n);
  }
  for (const auto& [name, t] : topics_)
    if (t.dirty && !t.subs.empty()) return true;
  return false;
}

void notify_listener::catch_up_dirty() {
  for (auto& [name, t] : topics_) {
    if (!t.dirty || t.subs.empty()) continue;
    t.dirty = false;
    catch_up(t);
    if (!conn_.ok()) return;
  }
}

void notify_listener::catch_up(topic_state& t) {
  for (;;) {
    const std::string since = std::to_string(t.last);
    const param_list params{&t.topic, &since};
    auto r = conn_.exec_prepared("catch_up", params);
    if (!succeeded(r, PGRES_TUPLES_OK)) {
      auto err = failure(conn_, r, "catch-up of topic \"" + t.topic + "\"");
      if (!conn_.ok()) {
        lost(err.message);
        return;
      }
      // A query error on a live connection (a dropped table, a lock
      // timeout): retry in a second rather than spin.
      if (failed_catch_ups_++ % error_log_every == 0)
        log::warn("postgres", err.message + "; retrying");
      t.dirty = false;
      retry_catch_up_ = true;
      return;
    }
    failed_catch_ups_ = 0;
    const int rows = PQntuples(r.get());
    std::vector<message> msgs;
    msgs.reserve(static_cast<std::size_t>(rows));
    for (int i = 0; i < rows; ++i) msgs.push_back(row_to_message(r.get(), i));
    r.reset();
    deliver(t, msgs);
    if (rows < catch_up_batch) return;
  }
}

void notify_listener::deliver(topic_state& t, std::vector<message>& msgs) {
  std::lock_guard lock(delivery_mu_);
  for (auto& m : msgs) {
    const std::int64_t seq = parse_seq(m.backend_msg_id.c_str()).value_or(t.last);
    t.last = std::max(t.last, seq);
    for (const auto& sub : t.subs) {
      if (halted_.load() || !sub->active.load() || seq <= sub->after) continue;
      try {
        sub->sink->on_message(m);
      } catch (...) {
        // A sink's failure is its own; the others still get the message.
      }
    }
  }
}

void notify_listener::lost(const std::string& reason) {
  conn_ = connection{};
  for (auto& [name, t] : topics_) t.listening = false;
  log::warn("postgres", "LISTEN connection lost: " + reason + "; reconnecting");
  health_->update(health_board::part::listener, health::retrying,
                  "LISTEN connection lost: " + reason);
  ring_all();
}

connection notify_listener::connect_async() {
  connection c = connection::start(url_);
  if (!c.valid() || PQstatus(c.get()) == CONNECTION_BAD) return c;
  const auto give_up = clock_type::now() + connect_attempt_limit;
  PostgresPollingStatusType st = PGRES_POLLING_WRITING;
  for (;;) {
    if (st == PGRES_POLLING_OK) {
      c.finish_setup();
      return c;
    }
    if (st == PGRES_POLLING_FAILED) return c;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(give_up - clock_type::now());
    if (left.count() <= 0) return connection{};
    pollfd fds[2] = {
        {PQsocket(c.get()), static_cast<short>(st == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0},
        {wake_fd_, POLLIN, 0}};
    const int n = ::poll(fds, 2, static_cast<int>(left.count()));
    if (n > 0 && (fds[1].revents & POLLIN)) {
      drain_wake_fd();
      if (stopping()) return connection{};
      process_commands();  // fail subscribes at once while we are down
    }
    if (n > 0 && fds[0].revents != 0) st = PQconnectPoll(c.get());
  }
}

void notify_listener::reconnect() {
  backoff_.reset();
  bool logged = false;
  while (!stopping()) {
    // Wait out the backoff, answering commands meanwhile.
    const auto until = clock_type::now() + backoff_.next();
    while (!stopping()) {
      process_commands();
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(until - clock_type::now());
      if (left.count() <= 0) break;
      pollfd pfd{wake_fd_, POLLIN, 0};
      if (::poll(&pfd, 1, static_cast<int>(left.count())) > 0) drain_wake_fd();
    }
    if (stopping()) return;

    connection c = connect_async();
    if (stopping()) return;
    if (!c.ok()) {
      const std::string msg = c.valid() ? c.last_error() : "connect timed out";
      if (!logged)
        log::warn("postgres", "LISTEN reconnect failed: " + msg + "; retrying with backoff");
      logged = true;
      if (is_credentials_error(msg))
        health_->update(health_board::part::listener, health::failed, "LISTEN reconnect: " + msg);
      continue;
    }
    if (auto r = prepare(c); !r) continue;
    conn_ = std::move(c);
    // Every channel first, then the catch-up: a commit after the LISTEN
    // notifies us, a commit before it is found by the query.
    bool listening = true;
    for (auto& [name, t] : topics_) {
      if (!t.subs.empty() || t.watchers > 0) {
        if (!ensure_listening(t)) {
          listening = false;
          break;
        }
      }
    }
    if (!listening || !conn_.ok()) {
      conn_ = connection{};
      continue;
    }
    log::info("postgres", "LISTEN connection restored");
    health_->update(health_board::part::listener, health::connected, "LISTEN connection restored");
    if (auto pool = pool_.lock()) pool->server_reachable("server reachable again");
    ring_all();
    for (auto& [name, t] : topics_)
      if (!t.subs.empty()) t.dirty = true;
    return;
  }
}

}  // namespace parley::postgres
