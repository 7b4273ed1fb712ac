// Storage compatibility with the original TypeScript Parley: a database it
// wrote reads correctly here, and one we wrote reads correctly with its
// queries. The fixture is the original's DDL and INSERT statement verbatim.
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "backends/sqlite/sqlite_harness.hpp"
#include "tests/support/temp_dir.hpp"

using parley::sqlite::testing::open_sqlite;

namespace {

constexpr const char* original_ddl = R"sql(
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS messages (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  topic       TEXT NOT NULL,
  sender      TEXT NOT NULL,
  content     TEXT NOT NULL,
  ts          TEXT NOT NULL,           -- ISO 8601, informational only
  in_reply_to TEXT                     -- backendMsgId this threads under, or NULL
);
CREATE INDEX IF NOT EXISTS idx_messages_topic_id ON messages(topic, id);
)sql";

// Rows as the original's post() writes them: handle in sender, toISOString()
// timestamps, NULL in_reply_to when absent.
constexpr const char* original_rows = R"sql(
INSERT INTO messages (topic, sender, content, ts, in_reply_to) VALUES ('ctx', 'claude-a', 'plan ready @claude-b', '2026-07-12T18:03:11.204Z', NULL);
INSERT INTO messages (topic, sender, content, ts, in_reply_to) VALUES ('reviews', 'alice', 'unrelated', '2026-07-12T18:03:12.000Z', NULL);
INSERT INTO messages (topic, sender, content, ts, in_reply_to) VALUES ('ctx', 'claude-b', 'on it', '2026-07-12T18:03:13.500Z', '1');
INSERT INTO messages (topic, sender, content, ts, in_reply_to) VALUES ('parley-presence', 'claude-a', '{"v":2,"kind":"hello","at":1752343391204,"topics":["ctx"],"postTopics":[],"instanceId":"5b1e0c1e-3c53-4c1e-9a53-1f1e0c1e3c53"}', '2026-07-12T18:03:14.000Z', NULL);
INSERT INTO messages (topic, sender, content, ts, in_reply_to) VALUES ('ctx', 'claude-a', 'done ✓ 🦜', '2026-07-12T18:03:15.000Z', NULL);
)sql";

struct raw_db {
  sqlite3* db = nullptr;
  explicit raw_db(const std::string& path) { REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK); }
  ~raw_db() { sqlite3_close(db); }
  void exec(const char* sql) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
    INFO((err ? err : ""));
    sqlite3_free(err);
    REQUIRE(rc == SQLITE_OK);
  }
  // Each row as "id|topic|sender|content|ts|in_reply_to-or-NULL".
  std::vector<std::string> rows(const char* sql, const std::vector<std::string>& params) {
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK);
    for (std::size_t i = 0; i < params.size(); ++i)
      sqlite3_bind_text(st, static_cast<int>(i + 1), params[i].c_str(), -1, SQLITE_TRANSIENT);
    std::vector<std::string> out;
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::string row;
      for (int c = 0; c < sqlite3_column_count(st); ++c) {
        if (c) row += "|";
        const auto* t = sqlite3_column_text(st, c);
        row += t ? reinterpret_cast<const char*>(t) : "NULL";
      }
      out.push_back(row);
    }
    sqlite3_finalize(st);
    return out;
  }
};

}  // namespace

TEST_CASE("original compat: a database the original wrote reads correctly") {
  parley::testing::temp_dir dir;
  const auto path = dir.file("parley.db");
  {
    raw_db db(path);
    db.exec(original_ddl);
    db.exec(original_rows);
  }
  auto b = open_sqlite(path);
  parley::fetch_request req;
  req.topic = "ctx";
  auto p = b->fetch_recent(req);
  REQUIRE(p.has_value());
  REQUIRE(p->messages.size() == 3);
  const auto& m = p->messages;
  CHECK(m[0].backend_msg_id == "1");
  CHECK(m[1].backend_msg_id == "3");
  CHECK(m[2].backend_msg_id == "5");
  CHECK(m[0].cursor.text == "1");
  CHECK(m[2].cursor.text == "5");
  CHECK(m[0].sender_handle == "claude-a");
  CHECK(m[0].content == "plan ready @claude-b");
  CHECK(m[0].mentions == std::vector<std::string>{"claude-b"});
  CHECK(m[0].timestamp == "2026-07-12T18:03:11.204Z");
  CHECK_FALSE(m[0].in_reply_to.has_value());
  REQUIRE(m[1].in_reply_to.has_value());
  CHECK(*m[1].in_reply_to == "1");
  CHECK(m[2].content == "done ✓ 🦜");
  CHECK(p->next_cursor.text == "5");

  req.since = parley::cursor{"1"};
  auto after = b->fetch_recent(req);
  REQUIRE(after.has_value());
  REQUIRE(after->messages.size() == 2);
  CHECK(after->messages[0].content == "on it");

  // New posts continue the original's sequence.
  auto id = b->post({"ctx", "claude-c", "joining", std::string("3")});
  REQUIRE(id.has_value());
  CHECK(id->msg.backend_msg_id == "6");
}

TEST_CASE("original compat: what we write reads with the original's queries") {
  parley::testing::temp_dir dir;
  const auto path = dir.file("parley.db");
  {
    auto b = open_sqlite(path);
    REQUIRE(b->post({"ctx", "claude-a", "first", std::nullopt}).has_value());
    REQUIRE(b->post({"other", "bob", "elsewhere", std::nullopt}).has_value());
    REQUIRE(b->post({"ctx", "claude-b", "second", std::string("1")}).has_value());
  }
  raw_db db(path);
  // The original's fetchRecent queries, verbatim.
  auto newest = db.rows(
      "SELECT id, topic, sender, content, ts, in_reply_to FROM messages WHERE topic = ? ORDER BY "
      "id DESC LIMIT ?",
      {"ctx", "100"});
  REQUIRE(newest.size() == 2);
  CHECK(newest[0].rfind("3|ctx|claude-b|second|", 0) == 0);
  CHECK(newest[0].substr(newest[0].size() - 2) == "|1");
  CHECK(newest[1].rfind("1|ctx|claude-a|first|", 0) == 0);
  CHECK(newest[1].substr(newest[1].size() - 5) == "|NULL");
  auto since = db.rows(
      "SELECT id, topic, sender, content, ts, in_reply_to FROM messages WHERE topic = ? AND id > ? "
      "ORDER BY id ASC LIMIT ?",
      {"ctx", "1", "100"});
  REQUIRE(since.size() == 1);
  CHECK(since[0].rfind("3|ctx|claude-b|second|", 0) == 0);

  // Timestamps have toISOString's exact shape; AUTOINCREMENT bookkeeping exists.
  auto ts = db.rows("SELECT ts FROM messages WHERE id = 1", {});
  REQUIRE(ts.size() == 1);
  CHECK(ts[0].size() == 24);
  CHECK(ts[0][10] == 'T');
  CHECK(ts[0].back() == 'Z');
  CHECK(db.rows("SELECT seq FROM sqlite_sequence WHERE name = 'messages'", {}) ==
        std::vector<std::string>{"3"});
  CHECK(db.rows("PRAGMA journal_mode", {}) == std::vector<std::string>{"wal"});
  CHECK(db.rows("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messages'", {}) ==
        std::vector<std::string>{"idx_messages_topic_id"});
}
