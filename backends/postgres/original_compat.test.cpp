// Storage compatibility with the original TypeScript Parley: a table it
// created and wrote reads correctly here, live and by fetch, and what we
// write reads correctly with its queries. The fixture is the original's DDL,
// bootstrap and five-statement post transaction, as SQL text.
#include <libpq-fe.h>
#include <poll.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <regex>

#include "conformance/collecting_sink.hpp"
#include "backends/postgres/postgres_harness.hpp"

using namespace std::chrono_literals;
using parley::conformance::collecting_sink;
using parley::postgres::postgres_backend;
using namespace parley::postgres::testing;

namespace {

// The original's buildSchema(T), verbatim but for the table name.
std::string original_ddl(const std::string& t) {
  return "\nCREATE TABLE IF NOT EXISTS " + t + R"sql( (
  seq         BIGSERIAL PRIMARY KEY,
  topic       TEXT NOT NULL,
  sender      TEXT NOT NULL,
  content     TEXT NOT NULL,
  ts          TEXT NOT NULL,           -- ISO 8601, informational only
  in_reply_to TEXT                     -- backendMsgId this threads under, or NULL
);
CREATE INDEX IF NOT EXISTS )sql" +
         t + "_topic_seq ON " + t + R"sql( (topic, seq);
CREATE TABLE IF NOT EXISTS )sql" +
         t + R"sql(_senders (
  handle      TEXT PRIMARY KEY,
  backend_ref TEXT NOT NULL
);
CREATE OR REPLACE FUNCTION )sql" +
         t + R"sql(_notify() RETURNS trigger AS $PARLEY$
BEGIN
  PERFORM pg_notify('parley_' || md5(NEW.topic), NEW.seq::text);
  RETURN NULL;
END;
$PARLEY$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS )sql" +
         t + "_notify_trg ON " + t + R"sql(;
CREATE TRIGGER )sql" +
         t + "_notify_trg AFTER INSERT ON " + t + " FOR EACH ROW EXECUTE FUNCTION " + t +
         "_notify();\n";
}

/// A raw libpq connection acting as the original would.
class original_client {
 public:
  original_client() : c_(PQconnectdb(pg_url().c_str())) {
    REQUIRE(PQstatus(c_) == CONNECTION_OK);
    PQclear(PQexec(c_, "SET client_min_messages = warning"));
  }
  ~original_client() { PQfinish(c_); }
  original_client(const original_client&) = delete;
  original_client& operator=(const original_client&) = delete;

  /// Rows as vectors of fields; NULL as "NULL".
  std::vector<std::vector<std::string>> query(
      const std::string& sql, const std::vector<std::optional<std::string>>& params = {}) {
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    PGresult* r = params.empty() ? PQexec(c_, sql.c_str())
                                 : PQexecParams(c_, sql.c_str(), static_cast<int>(values.size()),
                                                nullptr, values.data(), nullptr, nullptr, 0);
    const auto status = PQresultStatus(r);
    INFO(sql << "\n" << PQresultErrorMessage(r));
    REQUIRE((status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK));
    std::vector<std::vector<std::string>> rows;
    for (int i = 0; i < PQntuples(r); ++i) {
      std::vector<std::string> row;
      for (int j = 0; j < PQnfields(r); ++j)
        row.push_back(PQgetisnull(r, i, j) ? "NULL" : PQgetvalue(r, i, j));
      rows.push_back(std::move(row));
    }
    PQclear(r);
    return rows;
  }

  /// The original's connect(): the DDL in one transaction under the table's lock.
  void bootstrap(const std::string& t) {
    query("BEGIN");
    query("SELECT pg_advisory_xact_lock(hashtext($1))", {t});
    query(original_ddl(t));
    query("COMMIT");
  }

  /// The original's post(): BEGIN, topic lock, INSERT … RETURNING, senders
  /// upsert, COMMIT. Returns the seq text.
  std::string post(const std::string& t, const std::string& topic, const std::string& sender,
                   const std::string& content, const std::string& ts,
                   std::optional<std::string> in_reply_to = std::nullopt) {
    query("BEGIN");
    query("SELECT pg_advisory_xact_lock(hashtext($1))", {topic});
    auto rows = query("INSERT INTO " + t +
                          " (topic, sender, content, ts, in_reply_to)\n"
                          "         VALUES ($1, $2, $3, $4, $5) RETURNING seq::text AS seq",
                      {topic, sender, content, ts, std::move(in_reply_to)});
    query("INSERT INTO " + t +
              "_senders (handle, backend_ref)\n         VALUES ($1, $1) ON CONFLICT (handle) DO "
              "NOTHING",
          {sender});
    query("COMMIT");
    return rows.at(0).at(0);
  }

  PGconn* get() { return c_; }

 private:
  PGconn* c_;
};

std::unique_ptr<postgres_backend> connect_ours(const std::string& table) {
  auto b = std::make_unique<postgres_backend>();
  auto r = b->connect(test_config(table));
  INFO((r ? "" : r.error().message));
  REQUIRE(r.has_value());
  return b;
}

struct dropped_after {
  std::string table;
  std::string url = pg_url();
  ~dropped_after() { drop_schema(url, table); }
};

}  // namespace

TEST_CASE("postgres compat: a table the original created and wrote reads through our backend") {
  const dropped_after t{random_table_name()};
  original_client orig;
  orig.bootstrap(t.table);
  const auto id1 =
      orig.post(t.table, "ctx", "claude-a", "plan ready @claude-b", "2026-07-12T18:03:11.204Z");
  (void)orig.post(t.table, "reviews", "alice", "unrelated", "2026-07-12T18:03:12.000Z");
  const auto id3 = orig.post(t.table, "ctx", "claude-b", "on it", "2026-07-12T18:03:13.500Z", id1);
  const auto id4 =
      orig.post(t.table, "ctx", "claude-a", "done ✓ 🦜", "2026-07-12T18:03:15.000Z");

  auto ours = connect_ours(t.table);  // accepts (and re-asserts) the original's schema
  auto p = ours->fetch_recent({"ctx", std::nullopt, 100, 0ms});
  REQUIRE(p.has_value());
  REQUIRE(p->messages.size() == 3);
  const auto& m1 = p->messages[0];
  CHECK(m1.backend_msg_id == id1);
  CHECK(m1.cursor.text == id1);
  CHECK(m1.topic == "ctx");
  CHECK(m1.sender_handle == "claude-a");
  CHECK(m1.content == "plan ready @claude-b");
  CHECK(m1.timestamp == "2026-07-12T18:03:11.204Z");
  CHECK(m1.mentions == std::vector<std::string>{"claude-b"});
  CHECK_FALSE(m1.in_reply_to.has_value());
  CHECK(p->messages[1].backend_msg_id == id3);
  CHECK(p->messages[1].in_reply_to == std::optional<std::string>(id1));
  CHECK(p->messages[2].content == "done ✓ 🦜");
  CHECK(p->next_cursor.text == id4);

  auto since = ours->fetch_recent({"ctx", parley::cursor{id1}, 100, 0ms});
  REQUIRE(since.has_value());
  REQUIRE(since->messages.size() == 2);
  CHECK(since->messages[0].backend_msg_id == id3);

  // The original's senders registry is ours.
  auto ref = ours->resolve_identity("claude-a");
  REQUIRE(ref.has_value());
  CHECK(ref->backend_ref == "claude-a");

  // A post by the original reaches our subscriber live (its trigger, our LISTEN).
  collecting_sink sink;
  auto sub = ours->subscribe("ctx", sink);
  REQUIRE(sub.has_value());
  const auto live_id =
      orig.post(t.table, "ctx", "claude-b", "live from the original", "2026-07-12T18:04:00.000Z");
  auto live = sink.wait_for(1, 5s);
  REQUIRE(live.size() == 1);
  CHECK(live[0].backend_msg_id == live_id);
  CHECK(live[0].content == "live from the original");
  CHECK(live[0].sender_handle == "claude-b");
}

TEST_CASE("postgres compat: what we write reads back with the original's queries") {
  const dropped_after t{random_table_name()};
  auto ours = connect_ours(t.table);
  const auto a = ours->post({"ctx", "claude-a", "first", std::nullopt});
  REQUIRE(a.has_value());
  const auto b = ours->post({"ctx", "claude-b", "reply ✓", a->msg.backend_msg_id});
  REQUIRE(b.has_value());
  const auto other = ours->post({"elsewhere", "claude-a", "x", std::nullopt});
  REQUIRE(other.has_value());

  original_client orig;
  // fetchRecent without since: newest first, the original reverses.
  auto newest = orig.query(
      "SELECT seq::text AS seq, topic, sender, content, ts, in_reply_to\n"
      "         FROM " +
          t.table + " WHERE topic = $1 ORDER BY " + t.table + ".seq DESC LIMIT $2",
      {std::string("ctx"), std::string("100")});
  REQUIRE(newest.size() == 2);
  CHECK(newest[1] == std::vector<std::string>{a->msg.backend_msg_id, "ctx", "claude-a", "first",
                                              newest[1][4], "NULL"});
  CHECK(newest[0] == std::vector<std::string>{b->msg.backend_msg_id, "ctx", "claude-b", "reply ✓",
                                              newest[0][4], a->msg.backend_msg_id});
  const std::regex iso(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$)");
  CHECK(std::regex_match(newest[0][4], iso));
  CHECK(std::regex_match(newest[1][4], iso));
  // fetchRecent with since.
  auto since = orig.query(
      "SELECT seq::text AS seq, topic, sender, content, ts, in_reply_to\n"
      "       FROM " +
          t.table + " WHERE topic = $1 AND seq > $2::bigint ORDER BY " + t.table +
          ".seq ASC LIMIT $3",
      {std::string("ctx"), a->msg.backend_msg_id, std::string("100")});
  REQUIRE(since.size() == 1);
  CHECK(since[0][0] == b->msg.backend_msg_id);
  // subscribe's tail.
  auto tail =
      orig.query("SELECT COALESCE(MAX(seq), 0)::text AS max FROM " + t.table + " WHERE topic = $1",
                 {std::string("ctx")});
  CHECK(tail[0][0] == b->msg.backend_msg_id);
  // resolveIdentity: our posts registered their senders.
  CHECK(orig.query("SELECT backend_ref FROM " + t.table + "_senders WHERE handle = $1",
                   {std::string("claude-b")}) ==
        std::vector<std::vector<std::string>>{{"claude-b"}});

  // The original's LISTEN hears our posts, with the seq as payload.
  auto channel = orig.query("SELECT 'parley_' || md5($1)", {std::string("ctx")})[0][0];
  orig.query("LISTEN \"" + channel + "\"");
  const auto c = ours->post({"ctx", "claude-a", "notify me", std::nullopt});
  REQUIRE(c.has_value());
  std::string payload;
  const auto end = std::chrono::steady_clock::now() + 5s;
  while (payload.empty() && std::chrono::steady_clock::now() < end) {
    pollfd pfd{PQsocket(orig.get()), POLLIN, 0};
    (void)::poll(&pfd, 1, 100);
    PQconsumeInput(orig.get());
    while (PGnotify* n = PQnotifies(orig.get())) {
      if (channel == n->relname) payload = n->extra;
      PQfreemem(n);
    }
  }
  CHECK(payload == c->msg.backend_msg_id);
}

TEST_CASE("postgres compat: the schema we create is the original's") {
  const dropped_after ours_t{random_table_name()};
  const dropped_after orig_t{random_table_name()};
  auto ours = connect_ours(ours_t.table);
  original_client orig;
  orig.bootstrap(orig_t.table);

  auto describe = [&](const std::string& t) {
    std::vector<std::vector<std::string>> out;
    // Columns of both tables, with types, nullability and defaults.
    for (const auto& suffix : {std::string(""), std::string("_senders")}) {
      auto cols = orig.query(
          "SELECT column_name, data_type, is_nullable, "
          "replace(coalesce(column_default, ''), $1, 'T') "
          "FROM information_schema.columns WHERE table_name = $2 ORDER BY ordinal_position",
          {t, t + suffix});
      out.insert(out.end(), cols.begin(), cols.end());
    }
    // Indexes, the trigger and the function body.
    auto idx = orig.query(
        "SELECT replace(indexdef, $1, 'T') FROM pg_indexes WHERE tablename IN ($1, $1 || "
        "'_senders') "
        "ORDER BY indexname",
        {t});
    out.insert(out.end(), idx.begin(), idx.end());
    auto trg = orig.query(
        "SELECT replace(pg_get_triggerdef(oid), $1, 'T') FROM pg_trigger "
        "WHERE tgname = $1 || '_notify_trg'",
        {t});
    out.insert(out.end(), trg.begin(), trg.end());
    auto fn = orig.query("SELECT prosrc FROM pg_proc WHERE proname = $1 || '_notify'", {t});
    out.insert(out.end(), fn.begin(), fn.end());
    return out;
  };
  const auto mine = describe(ours_t.table);
  const auto theirs = describe(orig_t.table);
  CHECK(mine.size() == 13);  // 6 + 2 columns, 3 indexes (2 primary keys), 1 trigger, 1 function
  CHECK(mine == theirs);
}
