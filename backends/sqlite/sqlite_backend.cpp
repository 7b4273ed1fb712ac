#include "backends/sqlite/sqlite_backend.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <thread>
#include <unordered_map>

#include "backends/sqlite/change_watcher.hpp"
#include "src/model/mentions.hpp"
#include "src/seam/registry.hpp"
#include "src/seam/typed_connect.hpp"
#include "src/util/iso_time.hpp"
#include "src/util/log.hpp"
#include "src/util/sqlite.hpp"

namespace parley::sqlite {

namespace {

// By default every connection preallocates room for 20 cache pages (about
// 87 KiB) the first time it reads, and writes through all of it: with three
// connections a quarter of an idle session's heap. Pages are allocated as
// they are needed instead. This must run before SQLite initializes, hence at
// static initialization (SQLITE_MISUSE afterwards, harmlessly).
[[maybe_unused]] const int page_cache_configured =
    sqlite3_config(SQLITE_CONFIG_PAGECACHE, nullptr, 0, 0);

/// Paths may be `file:` URIs (the tests share in-memory databases by name).
open_options open_options_for_backend() {
  open_options o;
  o.uri = true;
  return o;
}

// The original's schema, byte for byte: a database either implementation
// created is the other's too.
constexpr std::string_view schema_sql = R"sql(
CREATE TABLE IF NOT EXISTS messages (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  topic       TEXT NOT NULL,
  sender      TEXT NOT NULL,
  content     TEXT NOT NULL,
  ts          TEXT NOT NULL,
  in_reply_to TEXT
);
CREATE INDEX IF NOT EXISTS idx_messages_topic_id ON messages(topic, id);
)sql";

constexpr std::string_view insert_sql =
    "INSERT INTO messages (topic, sender, content, ts, in_reply_to) VALUES (?, ?, ?, ?, ?)";
constexpr std::string_view select_newest_sql =
    "SELECT id, topic, sender, content, ts, in_reply_to FROM messages "
    "WHERE topic = ? ORDER BY id DESC LIMIT ?";
constexpr std::string_view select_since_sql =
    "SELECT id, topic, sender, content, ts, in_reply_to FROM messages "
    "WHERE topic = ? AND id > ? ORDER BY id ASC LIMIT ?";
constexpr std::string_view sequence_sql =
    "SELECT seq FROM sqlite_sequence WHERE name = 'messages'";
constexpr std::string_view topic_tail_sql =
    "SELECT COALESCE(MAX(id), 0) FROM messages WHERE topic = ?";
constexpr std::string_view scan_sql =
    "SELECT id, topic FROM messages WHERE id > ? ORDER BY id ASC LIMIT 1024";
constexpr std::string_view row_sql =
    "SELECT sender, content, ts, in_reply_to FROM messages WHERE id = ?";

constexpr int wal_extra_attempts = 20;
constexpr int busy_timeout_ms = 5000;
// SQLite's own auto-checkpoint threshold (pages in the WAL). We checkpoint
// ourselves, on the change watcher's thread (checkpoint_if_due): a
// checkpoint copies megabytes and flushes them to disk, which no poster and
// no actor thread (see try_post) should wait for.
constexpr int checkpoint_pages = 1000;
constexpr std::int64_t prune_interval_ms = 3'600'000;
constexpr std::int64_t error_log_interval_ms = 60'000;

const parley::capabilities sqlite_capabilities = [] {
  parley::capabilities c;
  c.native_long_poll = false;
  c.cross_process_live = true;
  c.sender_is_identity = true;
  c.stores_in_reply_to = true;
  c.max_content_bytes = 0;
  c.max_page = 10000;
  c.zero_cursor = "0";
  return c;
}();

bool is_memory_path(const std::string& path) {
  return path == ":memory:" || path.rfind("file::memory:", 0) == 0;
}

// `^\d+$`, as the original requires. Returns nullopt for anything else.
// Digits that overflow 64 bits parse as "beyond any sequence" (INT64_MAX).
std::optional<std::int64_t> parse_rowid_cursor(const std::string& text) {
  if (text.empty() || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec == std::errc::result_out_of_range) return INT64_MAX;
  if (ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

message row_to_message(const statement& st, int id_col, const std::string& topic, int first) {
  message m;
  m.topic = topic;
  const std::string id = std::to_string(st.column_int(id_col));
  m.backend_msg_id = id;
  m.cursor = parley::cursor{id};
  m.sender_handle = st.column_text(first);
  m.content = st.column_text(first + 1);
  m.timestamp = st.column_text(first + 2);
  if (!st.column_is_null(first + 3)) m.in_reply_to = st.column_text(first + 3);
  m.mentions = parse_mentions(m.content);
  return m;
}

void chmod_private(const std::string& path) {
  // Best effort, as the original: messages are private to the owner.
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const std::string p = path + suffix;
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0) ::chmod(p.c_str(), 0600);
  }
}

}  // namespace

/// A connection and the statements prepared on it, used under `mu`.
struct guarded_connection {
  std::mutex mu;
  connection db;
  statement insert;
  statement newest;
  statement since;
  statement sequence;
  statement topic_tail;
  statement scan;
  statement row;
  statement data_version;
  statement begin_immediate;
  statement commit;

  [[nodiscard]] result<void> prepare() {
    for (auto [st, sql] : {std::pair{&insert, insert_sql}, {&newest, select_newest_sql},
                           {&since, select_since_sql}, {&sequence, sequence_sql},
                           {&topic_tail, topic_tail_sql}, {&scan, scan_sql}, {&row, row_sql},
                           {&data_version, std::string_view("PRAGMA data_version")},
                           {&begin_immediate, std::string_view("BEGIN IMMEDIATE")},
                           {&commit, std::string_view("COMMIT")}}) {
      *st = statement(db.get(), sql, SQLITE_PREPARE_PERSISTENT);
      if (!st->valid())
        return fail(errc::io_error, "cannot prepare '" + std::string(sql) + "': " + db.last_error());
    }
    return {};
  }

  /// The highest id ever assigned (0 for a fresh database).
  [[nodiscard]] std::int64_t max_sequence() {
    std::int64_t seq = 0;
    if (sequence.step() == SQLITE_ROW) seq = sequence.column_int(0);
    sequence.reset();
    return seq;
  }
};

/// One live subscription's state, owned by the hub.
struct live_entry {
  std::string topic;
  subscription_sink* sink = nullptr;
  std::int64_t last_delivered = 0;
};

/// Subscriptions and the watcher's view of the file. Shared with the
/// subscription handles so that cancel() stays safe after disconnect().
struct live_hub {
  std::mutex mu;  // held while delivering: cancel() waits for in-flight calls
  std::shared_ptr<guarded_connection> conn;
  std::unordered_multimap<std::string, std::shared_ptr<live_entry>> by_topic;
  std::int64_t scanned_up_to = 0;
  std::int64_t data_version = -1;
  std::int64_t failures = 0;
  std::int64_t last_error_log_ms = 0;
  bool closed = false;
  /// Subscriptions alive, readable without the lock.
  std::atomic<int> live_count{0};
};

namespace {

class sqlite_subscription final : public subscription {
 public:
  sqlite_subscription(std::weak_ptr<live_hub> hub, std::shared_ptr<live_entry> entry)
      : hub_(std::move(hub)), entry_(std::move(entry)) {}
  ~sqlite_subscription() override { cancel(); }

  void cancel() override {
    auto hub = hub_.lock();
    if (!hub || !entry_) return;
    std::lock_guard lock(hub->mu);
    auto [first, last] = hub->by_topic.equal_range(entry_->topic);
    for (auto it = first; it != last; ++it) {
      if (it->second == entry_) {
        hub->by_topic.erase(it);
        hub->live_count.fetch_sub(1);
        break;
      }
    }
    entry_.reset();
  }

 private:
  std::weak_ptr<live_hub> hub_;
  std::shared_ptr<live_entry> entry_;
};

}  // namespace

struct sqlite_backend::pending_post {
  const post_request* req = nullptr;
  /// Written by the batch leader without the queue lock...
  std::optional<result<stored_post>> outcome;
  /// ...and published by this flag, set under the lock once the leader is
  /// done with the entry: only then may the waiting poster read and return.
  bool done = false;
};

sqlite_backend::sqlite_backend() = default;

sqlite_backend::~sqlite_backend() { disconnect(); }

const parley::capabilities& sqlite_backend::capabilities() const noexcept {
  return sqlite_capabilities;
}

void sqlite_backend::set_health_listener(health_listener listener) {
  health_listener_ = std::move(listener);
}

void sqlite_backend::report_health(health state, const std::string& reason) {
  if (health_listener_) health_listener_(state, reason);
}

result<void> sqlite_backend::connect(const config::value& backend_config) {
  return connect_typed<sqlite_config>(*this, backend_config, "SQLite");
}

result<void> sqlite_backend::connect(const sqlite_config& cfg) {
  if (connected_) return fail(errc::internal, "sqlite backend: connect() called twice");
  cfg_ = cfg;
  if (auto r = open_connections(); !r) return r;
  hub_ = std::make_shared<live_hub>();
  hub_->conn = is_memory_path(cfg_.db_path) ? writer_ : std::make_shared<guarded_connection>();
  if (hub_->conn != writer_) {
    auto db = connection::open(cfg_.db_path, open_options_for_backend());
    if (!db) return db.error();
    hub_->conn->db = std::move(*db);
    sqlite3_busy_timeout(hub_->conn->db.get(), busy_timeout_ms);
    if (auto r = hub_->conn->prepare(); !r) return r;
  }
  {
    std::lock_guard lock(hub_->conn->mu);
    hub_->scanned_up_to = hub_->conn->max_sequence();
  }
  connected_ = true;
  if (cfg_.retention_days) prune_expired();
  watcher_ = std::make_unique<change_watcher>(
      cfg_.db_path, std::chrono::milliseconds(cfg_.poll_interval_ms), [this] { return on_watcher_wake(); });
  watcher_->watch_files_while(
      [hub = hub_] { return hub->live_count.load(std::memory_order_relaxed) > 0; });
  watcher_->start();
  report_health(health::connected, "opened " + cfg_.db_path);
  return {};
}

result<void> sqlite_backend::open_connections() {
  writer_ = std::make_shared<guarded_connection>();
  auto db = connection::open(cfg_.db_path, open_options_for_backend());
  if (!db) return db.error();
  writer_->db = std::move(*db);
  sqlite3* raw = writer_->db.get();

  // busy_timeout first, so that the WAL switch below waits for other
  // processes instead of failing at once (the original's first-boot race).
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  if (!is_memory_path(cfg_.db_path)) {
    result<void> wal = writer_->db.exec("PRAGMA journal_mode = WAL");
    for (int attempt = 0; !wal && attempt < wal_extra_attempts; ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5 + attempt % 5 * 5));
      wal = writer_->db.exec("PRAGMA journal_mode = WAL");
    }
    if (!wal)
      log::warn("sqlite", "WAL conversion still busy after " + std::to_string(wal_extra_attempts) +
                              " retries; continuing in default journal mode: " + wal.error().message);
  }
  // Replaces the automatic checkpoint (same threshold): the hook only counts
  // WAL pages, and the watcher thread checkpoints.
  sqlite3_wal_hook(
      raw,
      [](void* pages, sqlite3*, const char*, int n) {
        static_cast<std::atomic<int>*>(pages)->store(n, std::memory_order_relaxed);
        return SQLITE_OK;
      },
      &wal_pages_);
  const std::string sync = cfg_.synchronous == "full" ? "FULL" : "NORMAL";
  if (auto r = writer_->db.exec("PRAGMA synchronous = " + sync); !r) return r;
  if (auto r = writer_->db.exec(schema_sql); !r)
    return fail(errc::io_error, "cannot create the messages table in '" + cfg_.db_path +
                                    "': " + r.error().message);
  if (auto r = writer_->prepare(); !r) return r;
  if (!is_memory_path(cfg_.db_path)) chmod_private(cfg_.db_path);

  if (is_memory_path(cfg_.db_path)) {
    // Every connection to ":memory:" is a database of its own: share one.
    reader_ = writer_;
    return {};
  }
  reader_ = std::make_shared<guarded_connection>();
  auto rdb = connection::open(cfg_.db_path, open_options_for_backend());
  if (!rdb) return rdb.error();
  reader_->db = std::move(*rdb);
  sqlite3_busy_timeout(reader_->db.get(), busy_timeout_ms);
  return reader_->prepare();
}

void sqlite_backend::disconnect() {
  if (!connected_) return;
  connected_ = false;
  if (watcher_) watcher_->stop();
  watcher_.reset();
  if (hub_) {
    std::lock_guard lock(hub_->mu);
    hub_->by_topic.clear();
    hub_->live_count = 0;
    hub_->closed = true;
  }
  // Wait for an in-flight batch leader before closing its connection.
  commits_.wait_idle();
  hub_.reset();
  reader_.reset();
  writer_.reset();
}

result<std::unique_ptr<subscription>> sqlite_backend::subscribe(const std::string& topic,
                                                                subscription_sink& sink) {
  if (!connected_) return fail(errc::not_connected, "sqlite backend is not connected");
  auto entry = std::make_shared<live_entry>();
  entry->topic = topic;
  entry->sink = &sink;
  {
    std::lock_guard hub_lock(hub_->mu);
    std::lock_guard conn_lock(hub_->conn->mu);
    // The tail is read under the hub lock, so no scan can slip between it and
    // the registration: a post made after we return is always delivered.
    auto& st = hub_->conn->topic_tail;
    st.bind(1, topic);
    const int rc = st.step();
    if (rc != SQLITE_ROW) {
      st.reset();
      return fail(errc::backend_unavailable, "sqlite: cannot read the tail of topic \"" + topic +
                                                 "\": " + hub_->conn->db.last_error());
    }
    entry->last_delivered = st.column_int(0);
    st.reset();
    hub_->by_topic.emplace(topic, entry);
    hub_->live_count.fetch_add(1);
  }
  // The first subscriber: the watcher starts listening to file events.
  if (watcher_) watcher_->notify();
  return std::unique_ptr<subscription>(std::make_unique<sqlite_subscription>(hub_, entry));
}

result<stored_post> sqlite_backend::post(const post_request& req) {
  if (!connected_) return fail(errc::not_connected, "sqlite backend is not connected");
  pending_post me;
  me.req = &req;
  commits_.submit(me, [this](std::vector<pending_post*>& batch) { commit_batch(batch); });
  return std::move(*me.outcome);
}

std::optional<result<stored_post>> sqlite_backend::try_post(const post_request& req) {
  if (!connected_)
    return result<stored_post>{fail(errc::not_connected, "sqlite backend is not connected")};
  // With synchronous=FULL every commit waits for the disk: that belongs on a
  // backend thread.
  if (cfg_.synchronous == "full") return std::nullopt;
  if (!commits_.try_begin_solo()) return std::nullopt;
  std::optional<result<stored_post>> outcome;
  {
    std::unique_lock writer_lock(writer_->mu, std::try_to_lock);
    if (writer_lock.owns_lock()) outcome = commit_without_waiting(req);
  }
  commits_.end_solo();
  if (outcome && *outcome) after_commit();
  return outcome;
}

std::optional<result<stored_post>> sqlite_backend::commit_without_waiting(const post_request& req) {
  sqlite3* db = writer_->db.get();
  // Another process holding the write lock answers SQLITE_BUSY at once
  // instead of being waited for.
  sqlite3_busy_timeout(db, 0);
  struct restore_timeout {
    sqlite3* db;
    ~restore_timeout() { sqlite3_busy_timeout(db, busy_timeout_ms); }
  } restore{db};
  int rc = writer_->begin_immediate.step();
  writer_->begin_immediate.reset();
  if (is_busy(rc)) return std::nullopt;
  if (rc != SQLITE_DONE)
    return result<stored_post>{
        fail(errc::backend_unavailable,
             "sqlite: cannot start a write transaction: " + writer_->db.last_error())};
  pending_post p;
  p.req = &req;
  auto id = insert_one(p);
  if (!id) {
    (void)writer_->db.exec("ROLLBACK");
    return id;
  }
  rc = writer_->commit.step();
  writer_->commit.reset();
  if (rc != SQLITE_DONE) {
    const bool busy = is_busy(rc);
    const std::string why = writer_->db.last_error();
    (void)writer_->db.exec("ROLLBACK");
    if (busy) return std::nullopt;
    return result<stored_post>{fail(errc::backend_unavailable, "sqlite: commit failed: " + why)};
  }
  return id;
}

void sqlite_backend::wake_local_subscribers() {
  // Wake this process's subscribers at once; with none, waking the watcher
  // thread would only cost a context switch (other processes see the file).
  if (hub_ && hub_->live_count.load(std::memory_order_relaxed) > 0) {
    local_commit_.store(true);
    if (watcher_) watcher_->notify();
  }
}

result<stored_post> sqlite_backend::insert_one(const pending_post& p) {
  // The topic's newest id before this insert, read under the same write
  // lock: the cursor this post directly follows.
  auto& tail = writer_->topic_tail;
  tail.bind(1, p.req->topic);
  const int tail_rc = tail.step();
  if (tail_rc != SQLITE_ROW) {
    tail.reset();
    return fail(is_busy(tail_rc) ? errc::backend_unavailable : errc::io_error,
                "sqlite: reading the tail of topic \"" + p.req->topic +
                    "\" failed: " + writer_->db.last_error());
  }
  const std::int64_t previous = tail.column_int(0);  // COALESCE: always a row
  tail.reset();
  std::string ts = iso8601_now();
  auto& st = writer_->insert;
  st.bind(1, p.req->topic);
  st.bind(2, p.req->identity);
  st.bind(3, p.req->content);
  st.bind(4, ts);
  if (p.req->in_reply_to)
    st.bind(5, *p.req->in_reply_to);
  else
    st.bind_null(5);
  const int rc = st.step();
  st.reset();
  if (rc != SQLITE_DONE)
    return fail(is_busy(rc) ? errc::backend_unavailable : errc::io_error,
                "sqlite: insert into topic \"" + p.req->topic + "\" failed: " +
                    writer_->db.last_error());
  std::string id = std::to_string(sqlite3_last_insert_rowid(writer_->db.get()));
  parley::cursor at{id};
  return stored_post{stored_message(*p.req, std::move(id), std::move(at), std::move(ts)),
                     parley::cursor{std::to_string(previous)}};
}

void sqlite_backend::commit_batch(std::vector<pending_post*>& batch) {
  std::lock_guard lock(writer_->mu);
  // Prepared once: parsing BEGIN and COMMIT for every post would cost more
  // than the insert itself.
  auto step_once = [](statement& st) {
    const int rc = st.step();
    st.reset();
    return rc == SQLITE_DONE;
  };
  auto run_in_transaction = [&](auto first, auto last) -> bool {
    if (!step_once(writer_->begin_immediate)) {
      const std::string why = writer_->db.last_error();
      for (auto it = first; it != last; ++it)
        (*it)->outcome = fail(errc::backend_unavailable, "sqlite: cannot start a write transaction: " + why);
      return false;
    }
    for (auto it = first; it != last; ++it) {
      auto id = insert_one(**it);
      if (!id) {
        (void)writer_->db.exec("ROLLBACK");
        for (auto jt = first; jt != last; ++jt) (*jt)->outcome.reset();
        (*it)->outcome = std::move(id);
        return false;
      }
      (*it)->outcome = std::move(id);
    }
    if (!step_once(writer_->commit)) {
      const std::string why = writer_->db.last_error();
      (void)writer_->db.exec("ROLLBACK");
      for (auto it = first; it != last; ++it)
        (*it)->outcome = fail(errc::backend_unavailable, "sqlite: commit failed: " + why);
      return false;
    }
    return true;
  };

  bool committed = run_in_transaction(batch.begin(), batch.end());
  if (!committed && batch.size() > 1) {
    // Something in the batch failed: give each post its own transaction so
    // that one bad post cannot fail the others and each gets its own error.
    for (auto it = batch.begin(); it != batch.end(); ++it) {
      (*it)->outcome.reset();
      committed = run_in_transaction(it, it + 1) || committed;
    }
  }
  if (committed) after_commit();
}

void sqlite_backend::after_commit() {
  wake_local_subscribers();
  if (wal_pages_.load(std::memory_order_relaxed) >= checkpoint_pages && !checkpoint_due_.exchange(true) &&
      watcher_)
    watcher_->notify();
}

void sqlite_backend::checkpoint_if_due() {
  // Cleared before the work: a pass that fails (SQLITE_BUSY when another
  // connection checkpoints) is asked for again by the next commit. Left set,
  // it would have stopped every later request and let the WAL grow.
  if (!checkpoint_due_.exchange(false)) return;
  auto hub = hub_;
  if (!hub || hub->conn == writer_) return;  // ":memory:" has no WAL
  guarded_connection& c = *hub->conn;
  // PASSIVE, as SQLite's automatic checkpoint: it waits for no reader and no
  // writer. The first pass copies the bulk while posts go on.
  auto passive = [&c] {
    return sqlite3_wal_checkpoint_v2(c.db.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) ==
           SQLITE_OK;
  };
  {
    std::lock_guard conn_lock(c.mu);
    if (!passive()) return;
  }
  // The second copies the few frames committed meanwhile, with this
  // process's posts held back for that moment, so that the next commit can
  // start the WAL over. Without it a steady writer would keep appending
  // frames behind the checkpoint and the WAL file would never stop growing.
  std::lock_guard writer_lock(writer_->mu);
  std::lock_guard conn_lock(c.mu);
  if (passive()) wal_pages_.store(0, std::memory_order_relaxed);
}

result<page> sqlite_backend::fetch_recent(const fetch_request& req) {
  if (!connected_) return fail(errc::not_connected, "sqlite backend is not connected");
  std::lock_guard lock(reader_->mu);
  return *read_page(req, true);
}

std::optional<result<page>> sqlite_backend::try_fetch_recent(const fetch_request& req) {
  if (!connected_) return result<page>{fail(errc::not_connected, "sqlite backend is not connected")};
  std::unique_lock lock(reader_->mu, std::try_to_lock);
  if (!lock.owns_lock()) return std::nullopt;
  return read_page(req, false);
}

std::optional<result<page>> sqlite_backend::read_page(const fetch_request& req, bool may_wait) {
  std::optional<std::int64_t> since;
  if (req.since) {
    since = parse_rowid_cursor(req.since->text);
    if (!since)
      return result<page>{fail(errc::malformed_cursor,
                               "parley-sqlite: malformed cursor '" + req.since->text + "' for topic " +
                                   req.topic + " — expected a numeric rowid cursor minted by this backend")};
  }
  const auto limit =
      static_cast<std::int64_t>(std::min(req.limit, sqlite_capabilities.max_page));

  // A read in WAL mode waits only while another connection rebuilds the
  // WAL index; without waiting, that is SQLITE_BUSY at once.
  sqlite3* db = reader_->db.get();
  if (!may_wait) sqlite3_busy_timeout(db, 0);
  struct restore_timeout {
    sqlite3* db;
    bool active;
    ~restore_timeout() {
      if (active) sqlite3_busy_timeout(db, busy_timeout_ms);
    }
  } restore{db, !may_wait};
  // A cursor beyond every id ever assigned comes from another database (a
  // reset file): treat it as absent rather than waiting forever.
  if (since && *since > reader_->max_sequence()) since.reset();

  page out;
  out.next_cursor = parley::cursor{since ? std::to_string(*since) : sqlite_capabilities.zero_cursor};
  if (limit == 0) return out;

  auto& st = since ? reader_->since : reader_->newest;
  st.bind(1, req.topic);
  if (since) {
    st.bind(2, *since);
    st.bind(3, limit);
  } else {
    st.bind(2, limit);
  }
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.messages.push_back(row_to_message(st, 0, req.topic, 2));
  st.reset();
  if (!may_wait && is_busy(rc)) return std::nullopt;
  if (rc != SQLITE_DONE)
    return result<page>{fail(errc::backend_unavailable, "sqlite: read of topic \"" + req.topic +
                                                            "\" failed: " + reader_->db.last_error())};
  if (!since) std::reverse(out.messages.begin(), out.messages.end());
  if (!out.messages.empty()) out.next_cursor = out.messages.back().cursor;
  return out;
}

result<identity_ref> sqlite_backend::resolve_identity(const std::string& handle) {
  return identity_ref{handle, handle};
}

namespace {

/// Scanned rows per statement run: a longer scan runs again.
constexpr int scan_batch_rows = 1024;

/// The message with sequence `id` of `topic`, or nullopt if it is gone.
std::optional<message> read_row(guarded_connection& c, std::int64_t id, const std::string& topic) {
  std::optional<message> msg;
  c.row.bind(1, id);
  if (c.row.step() == SQLITE_ROW) {
    msg = message{};
    msg->topic = topic;
    msg->backend_msg_id = std::to_string(id);
    msg->cursor = parley::cursor{msg->backend_msg_id};
    msg->sender_handle = c.row.column_text(0);
    msg->content = c.row.column_text(1);
    msg->timestamp = c.row.column_text(2);
    if (!c.row.column_is_null(3)) msg->in_reply_to = c.row.column_text(3);
    msg->mentions = parse_mentions(msg->content);
  }
  c.row.reset();
  return msg;
}

/// One run of the scan after hub.scanned_up_to: each new row goes to the
/// subscribers of its topic that have not had it. The scan's final status
/// and how many rows it read.
std::pair<int, int> deliver_new_rows(live_hub& hub, guarded_connection& c) {
  c.scan.bind(1, hub.scanned_up_to);
  int rows = 0;
  int rc;
  while ((rc = c.scan.step()) == SQLITE_ROW) {
    ++rows;
    const std::int64_t id = c.scan.column_int(0);
    hub.scanned_up_to = id;
    const std::string topic = c.scan.column_text(1);
    auto [first, last] = hub.by_topic.equal_range(topic);
    std::optional<message> msg;
    for (auto it = first; it != last; ++it) {
      live_entry& e = *it->second;
      if (id <= e.last_delivered) continue;
      if (!msg) msg = read_row(c, id, topic);
      if (!msg) break;  // deleted by retention meanwhile
      e.last_delivered = id;
      e.sink->on_message(*msg);
    }
  }
  c.scan.reset();
  return {rc, rows};
}

}  // namespace

bool sqlite_backend::on_watcher_wake() {
  checkpoint_if_due();
  if (cfg_.retention_days && now_epoch_ms() - last_prune_ms_ >= prune_interval_ms) prune_expired();

  auto hub = hub_;
  std::lock_guard hub_lock(hub->mu);
  if (hub->closed) return true;
  guarded_connection& c = *hub->conn;
  std::lock_guard conn_lock(c.mu);
  if (!data_changed(*hub, c)) return false;

  const std::int64_t seq = c.max_sequence();
  if (seq < hub->scanned_up_to) {
    // The file was replaced by an older or fresh one; ids restart lower.
    hub->scanned_up_to = seq;
    for (auto& [topic, entry] : hub->by_topic) entry->last_delivered = std::min(entry->last_delivered, seq);
  }
  if (hub->by_topic.empty()) {
    hub->scanned_up_to = seq;
    return true;
  }

  for (;;) {
    const auto [rc, rows] = deliver_new_rows(*hub, c);
    if (rc != SQLITE_DONE) {
      note_scan_failure(*hub, c, rc);
      return false;
    }
    if (hub->failures > 0) {
      hub->failures = 0;
      report_health(health::connected, "change scan recovered");
    }
    if (rows < scan_batch_rows) break;
  }
  return true;
}

bool sqlite_backend::data_changed(live_hub& hub, guarded_connection& c) {
  // data_version changes when another connection commits. With a single
  // shared connection (":memory:") only our own flag says so.
  std::int64_t version = -1;
  if (c.data_version.step() == SQLITE_ROW) version = c.data_version.column_int(0);
  c.data_version.reset();
  const bool local = local_commit_.exchange(false);
  if (version == hub.data_version && !(local && hub.conn == writer_)) return false;
  hub.data_version = version;
  return true;
}

void sqlite_backend::note_scan_failure(live_hub& hub, guarded_connection& c, int rc) {
  if (!is_busy(rc)) {
    const std::int64_t now = now_epoch_ms();
    ++hub.failures;
    if (hub.failures == 1 || now - hub.last_error_log_ms >= error_log_interval_ms) {
      hub.last_error_log_ms = now;
      log::warn("sqlite", "change scan failed (#" + std::to_string(hub.failures) + "): " + c.db.last_error() +
                              "; retrying");
      report_health(health::retrying, c.db.last_error());
    }
  }
  // Force a rescan at the next wake even if data_version is unchanged.
  hub.data_version = -1;
}

void sqlite_backend::prune_expired() {
  last_prune_ms_ = now_epoch_ms();
  const std::string cutoff = iso8601_utc_ms(last_prune_ms_ - *cfg_.retention_days * 86'400'000);
  std::lock_guard lock(writer_->mu);
  statement del(writer_->db.get(), "DELETE FROM messages WHERE ts < ?");
  if (!del.valid()) return;
  del.bind(1, cutoff);
  if (const int rc = del.step(); rc != SQLITE_DONE)
    log::warn("sqlite", "retention prune failed: " + writer_->db.last_error());
}

namespace {
const backend_registrar registration{"sqlite", {"local-sqlite"},
                                     [] { return std::make_unique<sqlite_backend>(); }};
}  // namespace

}  // namespace parley::sqlite
