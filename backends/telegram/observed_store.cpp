#include "backends/telegram/observed_store.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

namespace parley::telegram {

namespace {

constexpr const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS telegram_messages (
  topic TEXT NOT NULL,
  chat_id INTEGER NOT NULL,
  message_id INTEGER NOT NULL,
  thread_id INTEGER,
  sender TEXT NOT NULL,
  content TEXT NOT NULL,
  ts TEXT NOT NULL,
  in_reply_to TEXT,
  UNIQUE (chat_id, message_id)
);
CREATE INDEX IF NOT EXISTS telegram_messages_by_topic ON telegram_messages (topic, message_id);
CREATE TABLE IF NOT EXISTS telegram_offsets (
  bot_id TEXT PRIMARY KEY,
  next_offset INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS telegram_imports (
  file_identity TEXT PRIMARY KEY
);
)sql";

constexpr const char* columns = "topic, chat_id, message_id, thread_id, sender, content, ts, in_reply_to";

result<void> make_parent_directories(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::filesystem::path prefix;
  for (const auto& part : parent) {
    prefix /= part;
    if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST)
      return fail(errc::io_error, "Telegram state database: cannot create directory " +
                                      prefix.string() + ": " + std::strerror(errno));
  }
  return {};
}

observed_message decode(const sqlite::statement& s) {
  sqlite::row r(s);
  observed_message m;
  m.topic = r.text();
  m.chat_id = r.integer();
  m.message_id = r.integer();
  if (auto t = r.optional_text()) m.thread_id = std::stoll(*t);
  m.sender = r.text();
  m.content = r.text();
  m.ts = r.text();
  m.in_reply_to = r.optional_text();
  return m;
}

}  // namespace

observed_store::observed_store(sqlite::connection db, std::string path, std::int64_t retention)
    : db_(std::move(db)), path_(std::move(path)), retention_(retention) {}

result<std::unique_ptr<observed_store>> observed_store::open(const std::string& path,
                                                             std::int64_t retention) {
  if (auto d = make_parent_directories(path); !d) return d.error();
  sqlite::open_options o;
  o.name = "the Telegram state database";
  o.private_file = true;
  o.error_prefix = "Telegram state database " + path + ": ";
  auto db = sqlite::connection::open(path, o);
  if (!db) return db.error();
  // FULL: each batch is on disk before the next getUpdates confirms its
  // offset to Telegram, which then forgets those updates for good. Under
  // NORMAL a power cut could roll back a batch Telegram no longer holds.
  for (const char* pragma : {"PRAGMA busy_timeout = 5000", "PRAGMA journal_mode = WAL",
                             "PRAGMA synchronous = FULL"})
    if (auto r = db->exec(pragma); !r) return r.error();
  if (auto r = db->exec(schema); !r) return r.error();
  return std::unique_ptr<observed_store>(new observed_store(std::move(*db), path, retention));
}

result<void> observed_store::trim(const std::string& topic) {
  sqlite::statement s(db_.get(),
                      "DELETE FROM telegram_messages WHERE topic = ?1 AND message_id <= "
                      "(SELECT message_id FROM telegram_messages WHERE topic = ?1 "
                      "ORDER BY message_id DESC LIMIT 1 OFFSET ?2)");
  s.bind_all(topic, retention_);
  return db_.run(s);
}

result<std::vector<observed_message>> observed_store::ingest(
    const std::vector<observed_message>& batch,
    const std::optional<std::pair<std::string, std::int64_t>>& offset) {
  std::lock_guard lock(mu_);
  sqlite::transaction tx(db_);
  if (!tx.begun()) return tx.begun().error();
  sqlite::statement insert(db_.get(), std::string("INSERT OR IGNORE INTO telegram_messages (") +
                                          columns + ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  std::vector<observed_message> fresh;
  std::set<std::string> topics;
  for (const auto& m : batch) {
    std::optional<std::string> thread;
    if (m.thread_id) thread = std::to_string(*m.thread_id);
    insert.bind_all(m.topic, m.chat_id, m.message_id, thread, m.sender, m.content, m.ts,
                    m.in_reply_to);
    if (auto r = db_.run(insert); !r) return r.error();
    if (sqlite3_changes(db_.get()) > 0) {
      fresh.push_back(m);
      topics.insert(m.topic);
    }
    insert.reset();
  }
  for (const auto& t : topics)
    if (auto r = trim(t); !r) return r.error();
  if (offset) {
    sqlite::statement s(db_.get(),
                        "INSERT INTO telegram_offsets (bot_id, next_offset) VALUES (?1, ?2) "
                        "ON CONFLICT (bot_id) DO UPDATE SET next_offset = "
                        "max(next_offset, excluded.next_offset)");
    s.bind_all(offset->first, offset->second);
    if (auto r = db_.run(s); !r) return r.error();
  }
  if (auto c = tx.commit(); !c) return c.error();
  return fresh;
}

result<std::int64_t> observed_store::offset(const std::string& bot_id) {
  std::lock_guard lock(mu_);
  sqlite::statement s(db_.get(), "SELECT next_offset FROM telegram_offsets WHERE bot_id = ?1");
  s.bind_all(bot_id);
  const int rc = s.step();
  if (rc == SQLITE_ROW) return s.column_int(0);
  if (rc == SQLITE_DONE) return std::int64_t{0};
  return fail(errc::io_error, "Telegram state database: " + db_.last_error());
}

result<std::vector<observed_message>> observed_store::read(const std::string& topic,
                                                           std::optional<std::int64_t> since,
                                                           std::size_t limit) {
  std::lock_guard lock(mu_);
  const std::string sql =
      since ? std::string("SELECT ") + columns +
                  " FROM telegram_messages WHERE topic = ?1 AND message_id > ?2 "
                  "ORDER BY message_id ASC LIMIT ?3"
            : std::string("SELECT * FROM (SELECT ") + columns +
                  " FROM telegram_messages WHERE topic = ?1 AND ?2 = ?2 "
                  "ORDER BY message_id DESC LIMIT ?3) ORDER BY message_id ASC";
  sqlite::statement s(db_.get(), sql);
  s.bind_all(topic, since.value_or(0), static_cast<std::int64_t>(limit));
  std::vector<observed_message> out;
  int rc = 0;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back(decode(s));
  if (rc != SQLITE_DONE) return fail(errc::io_error, "Telegram state database: " + db_.last_error());
  return out;
}

result<std::int64_t> observed_store::newest_id(const std::string& topic) {
  std::lock_guard lock(mu_);
  sqlite::statement s(db_.get(),
                      "SELECT coalesce(max(message_id), 0) FROM telegram_messages WHERE topic = ?1");
  s.bind_all(topic);
  if (s.step() != SQLITE_ROW)
    return fail(errc::io_error, "Telegram state database: " + db_.last_error());
  return s.column_int(0);
}

bool observed_store::imported(const std::string& file_identity) {
  std::lock_guard lock(mu_);
  sqlite::statement s(db_.get(), "SELECT 1 FROM telegram_imports WHERE file_identity = ?1");
  s.bind_all(file_identity);
  return s.step() == SQLITE_ROW;
}

result<void> observed_store::mark_imported(const std::string& file_identity) {
  std::lock_guard lock(mu_);
  sqlite::statement s(db_.get(), "INSERT OR IGNORE INTO telegram_imports VALUES (?1)");
  s.bind_all(file_identity);
  return db_.run(s);
}

}  // namespace parley::telegram
