#pragma once

#include <libpq-fe.h>

#include <cstddef>
#include <string>

#include "src/model/message.hpp"

namespace parley::postgres {

/// Every SQL text the backend sends for one message table `T`, built once.
/// The table name is a validated identifier and is interpolated unquoted, as
/// the original does, so both implementations name the same relations
/// (Postgres folds unquoted names to lower case).
struct pg_schema {
  explicit pg_schema(const std::string& table);

  std::string table;
  /// The original's DDL, statement for statement; run under the bootstrap lock.
  std::string ddl;
  /// `$1` topic, `$2` limit: the newest `limit`, descending (reverse it).
  std::string fetch_newest;
  /// `$1` topic, `$2` since, `$3` limit: strictly after `since`, ascending.
  std::string fetch_since;
  /// `$1` topic, `$2` since: the live path's catch-up page of 512.
  std::string catch_up;
  /// `$1` topic: the topic's highest seq, or 0.
  std::string topic_tail;
  /// `$1` handle: the backend_ref, registering the handle on first sight.
  std::string resolve_identity;

  /// `INSERT INTO T (...) VALUES ($1..$5), ($6..$10), ... RETURNING seq::text AS seq`
  /// for `rows` messages.
  [[nodiscard]] std::string insert_messages(std::size_t rows) const;
  /// The senders upsert for `rows` distinct handles ($1..$rows).
  [[nodiscard]] std::string upsert_senders(std::size_t rows) const;
};

/// The per-topic lock of the original: `$1` = topic.
inline constexpr const char* lock_topic_sql = "SELECT pg_advisory_xact_lock(hashtext($1))";
/// The same lock for several topics at once (`$1` = text[] of topics), taken
/// in ascending key order so that two batches never wait on each other in a
/// cycle.
inline constexpr const char* lock_topics_sql =
    "SELECT pg_advisory_xact_lock(k.key) FROM "
    "(SELECT DISTINCT hashtext(t) AS key FROM unnest($1::text[]) AS u(t) ORDER BY key) AS k";
/// The bootstrap lock: `$1` = table name.
inline constexpr const char* lock_table_sql = "SELECT pg_advisory_xact_lock(hashtext($1))";

/// Rows fetched per catch-up query on the live path.
inline constexpr int catch_up_batch = 512;

/// A row of fetch_newest, fetch_since or catch_up (`seq::text, topic,
/// sender, content, ts, in_reply_to`) as a message: id and cursor are the seq.
[[nodiscard]] message row_to_message(const PGresult* r, int row);

/// The NOTIFY channel of a topic: `parley_` + md5 hex of its UTF-8 bytes, as
/// the trigger computes it.
[[nodiscard]] std::string notify_channel(const std::string& topic);

}  // namespace parley::postgres
