#include "backends/postgres/pg_schema.hpp"

#include <openssl/evp.h>

#include <cstdio>

#include "src/model/mentions.hpp"
#include "backends/postgres/pg_connection.hpp"

namespace parley::postgres {

pg_schema::pg_schema(const std::string& t) : table(t) {
  ddl = "CREATE TABLE IF NOT EXISTS " + t + R"sql( (
  seq         BIGSERIAL PRIMARY KEY,
  topic       TEXT NOT NULL,
  sender      TEXT NOT NULL,
  content     TEXT NOT NULL,
  ts          TEXT NOT NULL,
  in_reply_to TEXT
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

  // ORDER BY is table-qualified: a bare `seq` would bind to the text alias
  // and sort '10' before '9'.
  const std::string columns =
      "SELECT seq::text AS seq, topic, sender, content, ts, in_reply_to FROM " + t;
  fetch_newest = columns + " WHERE topic = $1 ORDER BY " + t + ".seq DESC LIMIT $2";
  fetch_since =
      columns + " WHERE topic = $1 AND seq > $2::bigint ORDER BY " + t + ".seq ASC LIMIT $3";
  catch_up = columns + " WHERE topic = $1 AND seq > $2::bigint ORDER BY " + t + ".seq ASC LIMIT " +
             std::to_string(catch_up_batch);
  topic_tail = "SELECT COALESCE(MAX(seq), 0)::text AS max FROM " + t + " WHERE topic = $1";
  resolve_identity =
      "WITH ins AS (INSERT INTO " + t +
      "_senders (handle, backend_ref) VALUES ($1, $1) ON CONFLICT (handle) DO NOTHING "
      "RETURNING backend_ref) "
      "SELECT backend_ref FROM ins UNION ALL SELECT backend_ref FROM " +
      t + "_senders WHERE handle = $1 LIMIT 1";
}

std::string pg_schema::insert_messages(std::size_t rows) const {
  std::string sql = "INSERT INTO " + table + " (topic, sender, content, ts, in_reply_to) VALUES ";
  sql.reserve(sql.size() + rows * 32 + 32);
  for (std::size_t i = 0; i < rows; ++i) {
    const std::size_t b = i * 5;
    if (i) sql += ", ";
    sql += "($" + std::to_string(b + 1) + ", $" + std::to_string(b + 2) + ", $" +
           std::to_string(b + 3) + ", $" + std::to_string(b + 4) + ", $" + std::to_string(b + 5) +
           ")";
  }
  sql += " RETURNING seq::text AS seq";
  return sql;
}

std::string pg_schema::upsert_senders(std::size_t rows) const {
  std::string sql = "INSERT INTO " + table + "_senders (handle, backend_ref) VALUES ";
  for (std::size_t i = 0; i < rows; ++i) {
    const std::string p = "$" + std::to_string(i + 1);
    if (i) sql += ", ";
    sql += "(" + p + ", " + p + ")";
  }
  sql += " ON CONFLICT (handle) DO NOTHING";
  return sql;
}

message row_to_message(const PGresult* r, int row) {
  message m;
  m.backend_msg_id = field(r, row, 0);
  m.cursor = parley::cursor{m.backend_msg_id};
  m.topic = field(r, row, 1);
  m.sender_handle = field(r, row, 2);
  m.content = field(r, row, 3);
  m.timestamp = field(r, row, 4);
  if (!PQgetisnull(r, row, 5)) m.in_reply_to = field(r, row, 5);
  m.mentions = parse_mentions(m.content);
  return m;
}

std::string notify_channel(const std::string& topic) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(topic.data(), topic.size(), digest, &len, EVP_md5(), nullptr);
  std::string out = "parley_";
  char hex[3];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(hex, sizeof hex, "%02x", digest[i]);
    out += hex;
  }
  return out;
}

}  // namespace parley::postgres
