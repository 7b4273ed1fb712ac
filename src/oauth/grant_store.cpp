#include "src/oauth/grant_store.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "src/oauth/crypto.hpp"

namespace parley::oauth {

namespace {

constexpr std::int64_t k_schema_version = 1;

constexpr std::string_view k_schema = R"(
CREATE TABLE IF NOT EXISTS clients (
  client_id TEXT PRIMARY KEY,
  secret_sha256 TEXT NOT NULL,
  auth_method TEXT NOT NULL,
  redirect_uris TEXT NOT NULL,
  client_name TEXT NOT NULL,
  metadata TEXT NOT NULL,
  issued_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS pending_consents (
  handle_sha256 TEXT PRIMARY KEY,
  client_id TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  code_challenge TEXT NOT NULL,
  state TEXT,
  scopes TEXT NOT NULL,
  resource TEXT NOT NULL,
  csrf_sha256 TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS authorization_codes (
  code_sha256 TEXT PRIMARY KEY,
  client_id TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  code_challenge TEXT NOT NULL,
  owner TEXT NOT NULL,
  profile TEXT NOT NULL,
  scopes TEXT NOT NULL,
  resource TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS access_tokens (
  token_sha256 TEXT PRIMARY KEY,
  family_id TEXT NOT NULL,
  owner TEXT NOT NULL,
  profile TEXT NOT NULL,
  client_id TEXT NOT NULL,
  scopes TEXT NOT NULL,
  resource TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS access_tokens_family ON access_tokens(family_id);
CREATE TABLE IF NOT EXISTS refresh_tokens (
  token_sha256 TEXT PRIMARY KEY,
  family_id TEXT NOT NULL,
  owner TEXT NOT NULL,
  profile TEXT NOT NULL,
  client_id TEXT NOT NULL,
  scopes TEXT NOT NULL,
  resource TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  rotated INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS refresh_tokens_family ON refresh_tokens(family_id);
PRAGMA user_version = 1;
)";

/// `items` joined by `sep`: how a grant's lists are stored in one column.
std::string join_with(const std::vector<std::string>& items, char sep) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

/// The pieces of `text` between `sep`s, in order; `keep_empty` false drops
/// empty ones and repeats (scopes), true keeps every line as stored.
std::vector<std::string> split_on(std::string_view text, char sep, bool keep_empty) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto at = text.find(sep);
    std::string piece(text.substr(0, at));
    if (keep_empty || (!piece.empty() && std::find(out.begin(), out.end(), piece) == out.end()))
      out.push_back(std::move(piece));
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + 1);
  }
  return out;
}

std::string join_lines(const std::vector<std::string>& items) { return join_with(items, '\n'); }

std::vector<std::string> split_lines(std::string_view text) { return split_on(text, '\n', true); }

error db_error(const sqlite::connection& db) {
  return fail(errc::io_error, "gateway state database: " + db.last_error());
}

// Each table's row decoder, reading the columns in the order of its
// k_*_columns list (the SELECTs and INSERTs below name exactly these).
// Braced initializers are evaluated left to right, so the reads happen in
// column order. Kept compact, each the shape of its column list, where
// clang-format would spread them one field a line.
// clang-format off
constexpr std::string_view k_client_columns =
    "client_id, secret_sha256, auth_method, redirect_uris, client_name, metadata, issued_at";

client_record read_client(sqlite::row r) {
  return {.client_id = r.text(), .secret_sha256 = r.text(), .auth_method = r.text(),
          .redirect_uris = split_lines(r.text()), .client_name = r.text(),
          .metadata_json = r.text(), .issued_at = r.integer()};
}

constexpr std::string_view k_pending_columns =
    "client_id, redirect_uri, code_challenge, state, scopes, resource, csrf_sha256, expires_at";

pending_consent read_pending(sqlite::row r) {
  return {.client_id = r.text(), .redirect_uri = r.text(), .code_challenge = r.text(),
          .state = r.optional_text(), .scopes = split_scopes(r.text()), .resource = r.text(),
          .csrf_sha256 = r.text(), .expires_at = r.integer()};
}

constexpr std::string_view k_code_columns =
    "client_id, redirect_uri, code_challenge, owner, profile, scopes, resource, expires_at";

code_grant read_code(sqlite::row r) {
  return {.client_id = r.text(), .redirect_uri = r.text(), .code_challenge = r.text(),
          .owner = r.text(), .profile = r.text(), .scopes = split_scopes(r.text()),
          .resource = r.text(), .expires_at = r.integer()};
}

constexpr std::string_view k_token_columns =
    "family_id, owner, profile, client_id, scopes, resource, expires_at";

token_grant read_token(sqlite::row& r) {
  return {.family_id = r.text(), .owner = r.text(), .profile = r.text(), .client_id = r.text(),
          .scopes = split_scopes(r.text()), .resource = r.text(), .expires_at = r.integer()};
}
// clang-format on

/// `SELECT <columns> FROM <table> WHERE <key> = ?1`.
std::string select_by(std::string_view columns, std::string_view table, std::string_view key) {
  return "SELECT " + std::string(columns) + " FROM " + std::string(table) + " WHERE " +
         std::string(key) + " = ?1";
}

/// Runs `insert` and then deletes the rows of `table` beyond the newest
/// `cap` (oldest by `order_by`, then rowid), in one transaction.
result<void> insert_capped(sqlite::connection& db, sqlite::statement& insert,
                           std::string_view table, std::string_view order_by, std::size_t cap) {
  sqlite::transaction tx(db);
  if (!tx.begun()) return tx.begun().error();
  if (auto r = db.run(insert); !r) return r;
  const std::string t(table);
  sqlite::statement evict(db.get(), "DELETE FROM " + t + " WHERE rowid IN (SELECT rowid FROM " + t +
                                        " ORDER BY " + std::string(order_by) +
                                        ", rowid LIMIT max(0, (SELECT count(*) FROM " + t +
                                        ") - ?1))");
  evict.bind(1, static_cast<std::int64_t>(cap));
  if (auto r = db.run(evict); !r) return r;
  return tx.commit();
}

/// Runs a one-row lookup: the decoded row, nullopt when there is none.
template <class Decode>
auto find_one(sqlite::connection& db, sqlite::statement& s, Decode decode)
    -> result<std::optional<decltype(decode(sqlite::row(s)))>> {
  using row_type = decltype(decode(sqlite::row(s)));
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<row_type>();
  if (rc != SQLITE_ROW) return db_error(db);
  return std::optional<row_type>(decode(sqlite::row(s)));
}

}  // namespace

std::string join_scopes(const std::vector<std::string>& scopes) { return join_with(scopes, ' '); }

std::vector<std::string> split_scopes(std::string_view text) { return split_on(text, ' ', false); }

result<std::unique_ptr<grant_store>> grant_store::open(const std::string& path,
                                                       grant_store_options options) {
  sqlite::open_options how;
  how.name = "the gateway state database";
  how.private_file = true;  // it holds secrets' digests
  how.error_prefix = "gateway state database: ";
  auto db = sqlite::connection::open(path, how);
  if (!db) return db.error();
  // The busy timeout goes first: switching to WAL needs a lock another
  // process may hold on first boot (the original's BUG-35, docs/parley-behavior.md "Lessons from
  // the original").
  if (auto r = db->exec("PRAGMA busy_timeout = 5000"); !r) return r.error();
  result<void> wal = db->exec("PRAGMA journal_mode = WAL");
  for (int attempt = 0; !wal && attempt < 5; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    wal = db->exec("PRAGMA journal_mode = WAL");
  }
  if (!wal) return wal.error();
  if (auto r = db->exec("PRAGMA synchronous = NORMAL"); !r) return r.error();

  std::int64_t version = 0;
  {
    sqlite::statement s(db->get(), "PRAGMA user_version");
    if (s.step() == SQLITE_ROW) version = s.column_int(0);
  }
  if (version > k_schema_version)
    return fail(errc::invalid_config, "the gateway state database '" + path +
                                          "' has schema version " + std::to_string(version) +
                                          ", newer than this parley understands (" +
                                          std::to_string(k_schema_version) + ")");
  if (version < k_schema_version) {
    sqlite::transaction tx(*db);
    if (!tx.begun()) return tx.begun().error();
    if (auto r = db->exec(k_schema); !r) return r.error();
    if (auto r = tx.commit(); !r) return r.error();
  }
  return std::unique_ptr<grant_store>(new grant_store(std::move(*db), options));
}

result<void> grant_store::add_client(const client_record& c) {
  std::lock_guard lock(mutex_);
  sqlite::statement s(db_.get(), "INSERT INTO clients (" + std::string(k_client_columns) +
                                     ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  s.bind_all(c.client_id, c.secret_sha256, c.auth_method, join_lines(c.redirect_uris),
             c.client_name, c.metadata_json, c.issued_at);
  // Oldest first (DCR makes a client per fresh connection; most are
  // abandoned). Their tokens stay valid until they expire; a refresh by an
  // evicted client is answered invalid_client, and the client registers
  // again.
  return insert_capped(db_, s, "clients", "issued_at", options_.max_clients);
}

result<std::optional<client_record>> grant_store::find_client(const std::string& client_id) {
  std::lock_guard lock(mutex_);
  sqlite::statement s(db_.get(), select_by(k_client_columns, "clients", "client_id"));
  s.bind(1, client_id);
  return find_one(db_, s, read_client);
}

result<std::size_t> grant_store::client_count() {
  std::lock_guard lock(mutex_);
  sqlite::statement s(db_.get(), "SELECT count(*) FROM clients");
  if (s.step() != SQLITE_ROW) return db_error(db_);
  return static_cast<std::size_t>(s.column_int(0));
}

result<void> grant_store::add_pending(const std::string& handle, const pending_consent& p) {
  std::lock_guard lock(mutex_);
  sqlite::statement s(db_.get(), "INSERT INTO pending_consents (handle_sha256, " +
                                     std::string(k_pending_columns) +
                                     ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  s.bind_all(sha256_hex(handle), p.client_id, p.redirect_uri, p.code_challenge, p.state,
             join_scopes(p.scopes), p.resource, p.csrf_sha256, p.expires_at);
  return insert_capped(db_, s, "pending_consents", "expires_at", options_.max_pending);
}

result<std::optional<pending_consent>> grant_store::find_pending(const std::string& handle) {
  std::lock_guard lock(mutex_);
  sqlite::statement s(db_.get(), select_by(k_pending_columns, "pending_consents", "handle_sha256"));
  s.bind(1, sha256_hex(handle));
  return find_one(db_, s, read_pending);
}

result<bool> grant_store::remove_pending(const std::string& handle) {
  std::lock_guard lock(mutex_);
  sqlite::statement s(db_.get(), "DELETE FROM pending_consents WHERE handle_sha256 = ?1");
  s.bind(1, sha256_hex(handle));
  if (auto r = db_.run(s); !r) return r.error();
  return sqlite3_changes(db_.get()) > 0;
}

result<void> grant_store::add_code(const std::string& code, const code_grant& g) {
  std::lock_guard lock(mutex_);
  sqlite::statement s(db_.get(), "INSERT INTO authorization_codes (code_sha256, " +
                                     std::string(k_code_columns) +
                                     ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  s.bind_all(sha256_hex(code), g.client_id, g.redirect_uri, g.code_challenge, g.owner, g.profile,
             join_scopes(g.scopes), g.resource, g.expires_at);
  return db_.run(s);
}

result<std::optional<code_grant>> grant_store::take_code(const std::string& code) {
  std::lock_guard lock(mutex_);
  sqlite::transaction tx(db_);
  if (!tx.begun()) return tx.begun().error();
  const std::string key = sha256_hex(code);
  std::optional<code_grant> out;
  {
    sqlite::statement s(db_.get(), select_by(k_code_columns, "authorization_codes", "code_sha256"));
    s.bind(1, key);
    auto found = find_one(db_, s, read_code);
    if (!found) return found.error();
    out = std::move(*found);
  }
  if (!out) return out;
  {
    sqlite::statement s(db_.get(), "DELETE FROM authorization_codes WHERE code_sha256 = ?1");
    s.bind(1, key);
    if (auto r = db_.run(s); !r) return r.error();
  }
  if (auto r = tx.commit(); !r) return r.error();
  return out;
}

result<void> grant_store::insert_token(std::string_view table, const std::string& token,
                                       const token_grant& g) {
  sqlite::statement s(db_.get(), "INSERT INTO " + std::string(table) + " (token_sha256, " +
                                     std::string(k_token_columns) +
                                     ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  s.bind_all(sha256_hex(token), g.family_id, g.owner, g.profile, g.client_id, join_scopes(g.scopes),
             g.resource, g.expires_at);
  return db_.run(s);
}

result<void> grant_store::add_tokens(const std::string& access_token, const token_grant& access,
                                     const std::string& refresh_token, const token_grant& refresh) {
  std::lock_guard lock(mutex_);
  sqlite::transaction tx(db_);
  if (!tx.begun()) return tx.begun().error();
  if (auto r = insert_token("access_tokens", access_token, access); !r) return r;
  if (auto r = insert_token("refresh_tokens", refresh_token, refresh); !r) return r;
  return tx.commit();
}

result<std::optional<token_grant>> grant_store::find_access(const std::string& access_token) {
  std::lock_guard lock(mutex_);
  sqlite::statement s(db_.get(), select_by(k_token_columns, "access_tokens", "token_sha256"));
  s.bind(1, sha256_hex(access_token));
  return find_one(db_, s, [](sqlite::row r) { return read_token(r); });
}

result<void> grant_store::revoke_whole_family(const std::string& family_id) {
  std::lock_guard lock(mutex_);
  return revoke_family(family_id);
}

result<void> grant_store::revoke_family(const std::string& family_id) {
  for (const char* sql_text : {"DELETE FROM access_tokens WHERE family_id = ?1",
                               "DELETE FROM refresh_tokens WHERE family_id = ?1"}) {
    sqlite::statement s(db_.get(), sql_text);
    s.bind(1, family_id);
    if (auto r = db_.run(s); !r) return r;
  }
  return {};
}

result<refresh_outcome> grant_store::rotate_refresh(const refresh_exchange& x) {
  std::lock_guard lock(mutex_);
  sqlite::transaction tx(db_);
  if (!tx.begun()) return tx.begun().error();
  const std::string key = sha256_hex(x.refresh_token);
  token_grant old;
  bool rotated = false;
  {
    sqlite::statement s(db_.get(), select_by(std::string(k_token_columns) + ", rotated",
                                             "refresh_tokens", "token_sha256"));
    s.bind(1, key);
    const int rc = s.step();
    if (rc == SQLITE_DONE) return refresh_outcome{};
    if (rc != SQLITE_ROW) return db_error(db_);
    sqlite::row r(s);
    old = read_token(r);
    rotated = r.integer() != 0;
  }
  // A token presented by another client proves nothing about this family:
  // refuse it without touching the family.
  if (old.client_id != x.client_id) return refresh_outcome{};
  if (rotated) {
    if (auto r = revoke_family(old.family_id); !r) return r.error();
    if (auto r = tx.commit(); !r) return r.error();
    return refresh_outcome{refresh_status::reused, {}};
  }
  if (old.expires_at <= x.now) return refresh_outcome{};
  std::vector<std::string> access_scopes = old.scopes;
  if (x.scopes) {
    for (const auto& s : *x.scopes)
      if (std::find(old.scopes.begin(), old.scopes.end(), s) == old.scopes.end())
        return refresh_outcome{refresh_status::scope_exceeded, {}};
    access_scopes = *x.scopes;
  }
  {
    sqlite::statement s(db_.get(), "UPDATE refresh_tokens SET rotated = 1 WHERE token_sha256 = ?1");
    s.bind(1, key);
    if (auto r = db_.run(s); !r) return r.error();
  }
  {
    sqlite::statement s(db_.get(), "DELETE FROM access_tokens WHERE family_id = ?1");
    s.bind(1, old.family_id);
    if (auto r = db_.run(s); !r) return r.error();
  }
  token_grant access = old;
  access.scopes = std::move(access_scopes);
  access.expires_at = x.access_expires_at;
  token_grant refresh = old;
  refresh.expires_at = x.refresh_expires_at;
  if (auto r = insert_token("access_tokens", x.new_access_token, access); !r) return r.error();
  if (auto r = insert_token("refresh_tokens", x.new_refresh_token, refresh); !r) return r.error();
  if (auto r = tx.commit(); !r) return r.error();
  return refresh_outcome{refresh_status::rotated, std::move(access)};
}

result<void> grant_store::revoke(const std::string& token) {
  std::lock_guard lock(mutex_);
  sqlite::transaction tx(db_);
  if (!tx.begun()) return tx.begun().error();
  const std::string key = sha256_hex(token);
  std::optional<std::string> family;
  {
    sqlite::statement s(db_.get(), "SELECT family_id FROM refresh_tokens WHERE token_sha256 = ?1");
    s.bind(1, key);
    if (s.step() == SQLITE_ROW) family = s.column_text(0);
  }
  if (family) {
    if (auto r = revoke_family(*family); !r) return r;
  } else {
    sqlite::statement s(db_.get(), "DELETE FROM access_tokens WHERE token_sha256 = ?1");
    s.bind(1, key);
    if (auto r = db_.run(s); !r) return r;
  }
  return tx.commit();
}

result<std::size_t> grant_store::sweep(std::int64_t now) {
  std::lock_guard lock(mutex_);
  sqlite::transaction tx(db_);
  if (!tx.begun()) return tx.begun().error();
  std::size_t removed = 0;
  for (const char* table :
       {"pending_consents", "authorization_codes", "access_tokens", "refresh_tokens"}) {
    sqlite::statement s(db_.get(), std::string("DELETE FROM ") + table + " WHERE expires_at <= ?1");
    s.bind(1, now);
    if (auto r = db_.run(s); !r) return r.error();
    removed += static_cast<std::size_t>(sqlite3_changes(db_.get()));
  }
  if (auto r = tx.commit(); !r) return r.error();
  return removed;
}

}  // namespace parley::oauth
