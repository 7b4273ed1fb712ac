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

std::string join_lines(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : "\n") + s;
  return out;
}

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    out.emplace_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

/// BEGIN IMMEDIATE … COMMIT, rolled back unless committed.
class transaction {
 public:
  explicit transaction(sql::database& db) : db_(db) { begun_ = db_.exec("BEGIN IMMEDIATE"); }
  ~transaction() {
    if (begun_ && !done_) (void)db_.exec("ROLLBACK");
  }
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;
  [[nodiscard]] const result<void>& begun() const { return begun_; }
  [[nodiscard]] result<void> commit() {
    done_ = true;
    return db_.exec("COMMIT");
  }

 private:
  sql::database& db_;
  result<void> begun_;
  bool done_ = false;
};

error db_error(const sql::database& db) {
  return fail(errc::io_error, "gateway state database: " + db.last_error());
}

token_grant read_token(const sql::statement& s) {
  // Columns: family_id, owner, profile, client_id, scopes, resource, expires_at
  token_grant g;
  g.family_id = s.column_text(0);
  g.owner = s.column_text(1);
  g.profile = s.column_text(2);
  g.client_id = s.column_text(3);
  g.scopes = split_scopes(s.column_text(4));
  g.resource = s.column_text(5);
  g.expires_at = s.column_int(6);
  return g;
}

}  // namespace

std::string join_scopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) out += (out.empty() ? "" : " ") + s;
  return out;
}

std::vector<std::string> split_scopes(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto sp = text.find(' ');
    if (sp != 0) {
      std::string piece(text.substr(0, sp));
      if (std::find(out.begin(), out.end(), piece) == out.end()) out.push_back(std::move(piece));
    }
    if (sp == std::string_view::npos) break;
    text.remove_prefix(sp + 1);
  }
  return out;
}

result<std::unique_ptr<grant_store>> grant_store::open(const std::string& path,
                                                       grant_store_options options) {
  auto db = sql::database::open(path);
  if (!db) return db.error();
  // The busy timeout goes first: switching to WAL needs a lock another
  // process may hold on first boot (the original's BUG-35).
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
    sql::statement s(db->get(), "PRAGMA user_version");
    if (s.step() == SQLITE_ROW) version = s.column_int(0);
  }
  if (version > k_schema_version)
    return fail(errc::invalid_config, "the gateway state database '" + path +
                                          "' has schema version " + std::to_string(version) +
                                          ", newer than this parley understands (" +
                                          std::to_string(k_schema_version) + ")");
  if (version < k_schema_version) {
    transaction tx(*db);
    if (!tx.begun()) return tx.begun().error();
    if (auto r = db->exec(k_schema); !r) return r.error();
    if (auto r = tx.commit(); !r) return r.error();
  }
  return std::unique_ptr<grant_store>(new grant_store(std::move(*db), options));
}

result<void> grant_store::add_client(const client_record& c) {
  std::lock_guard lock(mutex_);
  transaction tx(db_);
  if (!tx.begun()) return tx.begun().error();
  {
    sql::statement s(db_.get(),
                     "INSERT INTO clients (client_id, secret_sha256, auth_method, redirect_uris, "
                     "client_name, metadata, "
                     "issued_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    s.bind(1, c.client_id)
        .bind(2, c.secret_sha256)
        .bind(3, c.auth_method)
        .bind(4, join_lines(c.redirect_uris));
    s.bind(5, c.client_name).bind(6, c.metadata_json).bind(7, c.issued_at);
    if (auto r = db_.run(s); !r) return r;
  }
  {
    // Oldest first (DCR makes a client per fresh connection; most are
    // abandoned). Their tokens stay valid until they expire; a refresh by
    // an evicted client is answered invalid_client, and the client
    // registers again.
    sql::statement s(
        db_.get(),
        "DELETE FROM clients WHERE rowid IN (SELECT rowid FROM clients ORDER BY issued_at, rowid "
        "LIMIT max(0, (SELECT count(*) FROM clients) - ?1))");
    s.bind(1, static_cast<std::int64_t>(options_.max_clients));
    if (auto r = db_.run(s); !r) return r;
  }
  return tx.commit();
}

result<std::optional<client_record>> grant_store::find_client(const std::string& client_id) {
  std::lock_guard lock(mutex_);
  sql::statement s(db_.get(),
                   "SELECT client_id, secret_sha256, auth_method, redirect_uris, client_name, "
                   "metadata, issued_at "
                   "FROM clients WHERE client_id = ?1");
  s.bind(1, client_id);
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<client_record>();
  if (rc != SQLITE_ROW) return db_error(db_);
  client_record c;
  c.client_id = s.column_text(0);
  c.secret_sha256 = s.column_text(1);
  c.auth_method = s.column_text(2);
  c.redirect_uris = split_lines(s.column_text(3));
  c.client_name = s.column_text(4);
  c.metadata_json = s.column_text(5);
  c.issued_at = s.column_int(6);
  return std::optional<client_record>(std::move(c));
}

result<std::size_t> grant_store::client_count() {
  std::lock_guard lock(mutex_);
  sql::statement s(db_.get(), "SELECT count(*) FROM clients");
  if (s.step() != SQLITE_ROW) return db_error(db_);
  return static_cast<std::size_t>(s.column_int(0));
}

result<void> grant_store::add_pending(const std::string& handle, const pending_consent& p) {
  std::lock_guard lock(mutex_);
  transaction tx(db_);
  if (!tx.begun()) return tx.begun().error();
  {
    sql::statement s(
        db_.get(),
        "INSERT INTO pending_consents (handle_sha256, client_id, redirect_uri, code_challenge, "
        "state, "
        "scopes, resource, csrf_sha256, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    s.bind(1, sha256_hex(handle))
        .bind(2, p.client_id)
        .bind(3, p.redirect_uri)
        .bind(4, p.code_challenge);
    if (p.state)
      s.bind(5, *p.state);
    else
      s.bind_null(5);
    s.bind(6, join_scopes(p.scopes))
        .bind(7, p.resource)
        .bind(8, p.csrf_sha256)
        .bind(9, p.expires_at);
    if (auto r = db_.run(s); !r) return r;
  }
  {
    sql::statement s(
        db_.get(),
        "DELETE FROM pending_consents WHERE rowid IN (SELECT rowid FROM pending_consents ORDER BY "
        "expires_at, rowid LIMIT max(0, (SELECT count(*) FROM pending_consents) - ?1))");
    s.bind(1, static_cast<std::int64_t>(options_.max_pending));
    if (auto r = db_.run(s); !r) return r;
  }
  return tx.commit();
}

result<std::optional<pending_consent>> grant_store::find_pending(const std::string& handle) {
  std::lock_guard lock(mutex_);
  sql::statement s(db_.get(),
                   "SELECT client_id, redirect_uri, code_challenge, state, scopes, resource, "
                   "csrf_sha256, expires_at "
                   "FROM pending_consents WHERE handle_sha256 = ?1");
  s.bind(1, sha256_hex(handle));
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<pending_consent>();
  if (rc != SQLITE_ROW) return db_error(db_);
  pending_consent p;
  p.client_id = s.column_text(0);
  p.redirect_uri = s.column_text(1);
  p.code_challenge = s.column_text(2);
  if (!s.column_is_null(3)) p.state = s.column_text(3);
  p.scopes = split_scopes(s.column_text(4));
  p.resource = s.column_text(5);
  p.csrf_sha256 = s.column_text(6);
  p.expires_at = s.column_int(7);
  return std::optional<pending_consent>(std::move(p));
}

result<bool> grant_store::remove_pending(const std::string& handle) {
  std::lock_guard lock(mutex_);
  sql::statement s(db_.get(), "DELETE FROM pending_consents WHERE handle_sha256 = ?1");
  s.bind(1, sha256_hex(handle));
  if (auto r = db_.run(s); !r) return r.error();
  return sqlite3_changes(db_.get()) > 0;
}

result<void> grant_store::add_code(const std::string& code, const code_grant& g) {
  std::lock_guard lock(mutex_);
  sql::statement s(
      db_.get(),
      "INSERT INTO authorization_codes (code_sha256, client_id, redirect_uri, code_challenge, "
      "owner, "
      "profile, scopes, resource, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  s.bind(1, sha256_hex(code))
      .bind(2, g.client_id)
      .bind(3, g.redirect_uri)
      .bind(4, g.code_challenge);
  s.bind(5, g.owner)
      .bind(6, g.profile)
      .bind(7, join_scopes(g.scopes))
      .bind(8, g.resource)
      .bind(9, g.expires_at);
  return db_.run(s);
}

result<std::optional<code_grant>> grant_store::take_code(const std::string& code) {
  std::lock_guard lock(mutex_);
  transaction tx(db_);
  if (!tx.begun()) return tx.begun().error();
  const std::string key = sha256_hex(code);
  std::optional<code_grant> out;
  {
    sql::statement s(db_.get(),
                     "SELECT client_id, redirect_uri, code_challenge, owner, profile, scopes, "
                     "resource, expires_at "
                     "FROM authorization_codes WHERE code_sha256 = ?1");
    s.bind(1, key);
    const int rc = s.step();
    if (rc == SQLITE_ROW) {
      code_grant g;
      g.client_id = s.column_text(0);
      g.redirect_uri = s.column_text(1);
      g.code_challenge = s.column_text(2);
      g.owner = s.column_text(3);
      g.profile = s.column_text(4);
      g.scopes = split_scopes(s.column_text(5));
      g.resource = s.column_text(6);
      g.expires_at = s.column_int(7);
      out = std::move(g);
    } else if (rc != SQLITE_DONE) {
      return db_error(db_);
    }
  }
  if (!out) return out;
  {
    sql::statement s(db_.get(), "DELETE FROM authorization_codes WHERE code_sha256 = ?1");
    s.bind(1, key);
    if (auto r = db_.run(s); !r) return r.error();
  }
  if (auto r = tx.commit(); !r) return r.error();
  return out;
}

result<void> grant_store::insert_token(std::string_view table, const std::string& token,
                                       const token_grant& g) {
  sql::statement s(
      db_.get(),
      "INSERT INTO " + std::string(table) +
          " (token_sha256, family_id, owner, profile, client_id, scopes, resource, expires_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  s.bind(1, sha256_hex(token))
      .bind(2, g.family_id)
      .bind(3, g.owner)
      .bind(4, g.profile)
      .bind(5, g.client_id);
  s.bind(6, join_scopes(g.scopes)).bind(7, g.resource).bind(8, g.expires_at);
  return db_.run(s);
}

result<void> grant_store::add_tokens(const std::string& access_token, const token_grant& access,
                                     const std::string& refresh_token, const token_grant& refresh) {
  std::lock_guard lock(mutex_);
  transaction tx(db_);
  if (!tx.begun()) return tx.begun().error();
  if (auto r = insert_token("access_tokens", access_token, access); !r) return r;
  if (auto r = insert_token("refresh_tokens", refresh_token, refresh); !r) return r;
  return tx.commit();
}

result<std::optional<token_grant>> grant_store::find_access(const std::string& access_token) {
  std::lock_guard lock(mutex_);
  sql::statement s(db_.get(),
                   "SELECT family_id, owner, profile, client_id, scopes, resource, expires_at FROM "
                   "access_tokens "
                   "WHERE token_sha256 = ?1");
  s.bind(1, sha256_hex(access_token));
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<token_grant>();
  if (rc != SQLITE_ROW) return db_error(db_);
  return std::optional<token_grant>(read_token(s));
}

result<void> grant_store::revoke_whole_family(const std::string& family_id) {
  std::lock_guard lock(mutex_);
  return revoke_family(family_id);
}

result<void> grant_store::revoke_family(const std::string& family_id) {
  for (const char* sql_text : {"DELETE FROM access_tokens WHERE family_id = ?1",
                               "DELETE FROM refresh_tokens WHERE family_id = ?1"}) {
    sql::statement s(db_.get(), sql_text);
    s.bind(1, family_id);
    if (auto r = db_.run(s); !r) return r;
  }
  return {};
}

result<refresh_outcome> grant_store::rotate_refresh(const refresh_exchange& x) {
  std::lock_guard lock(mutex_);
  transaction tx(db_);
  if (!tx.begun()) return tx.begun().error();
  const std::string key = sha256_hex(x.refresh_token);
  token_grant old;
  bool rotated = false;
  {
    sql::statement s(
        db_.get(),
        "SELECT family_id, owner, profile, client_id, scopes, resource, expires_at, rotated FROM "
        "refresh_tokens WHERE token_sha256 = ?1");
    s.bind(1, key);
    const int rc = s.step();
    if (rc == SQLITE_DONE) return refresh_outcome{};
    if (rc != SQLITE_ROW) return db_error(db_);
    old = read_token(s);
    rotated = s.column_int(7) != 0;
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
    sql::statement s(db_.get(), "UPDATE refresh_tokens SET rotated = 1 WHERE token_sha256 = ?1");
    s.bind(1, key);
    if (auto r = db_.run(s); !r) return r.error();
  }
  {
    sql::statement s(db_.get(), "DELETE FROM access_tokens WHERE family_id = ?1");
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
  transaction tx(db_);
  if (!tx.begun()) return tx.begun().error();
  const std::string key = sha256_hex(token);
  std::optional<std::string> family;
  {
    sql::statement s(db_.get(), "SELECT family_id FROM refresh_tokens WHERE token_sha256 = ?1");
    s.bind(1, key);
    if (s.step() == SQLITE_ROW) family = s.column_text(0);
  }
  if (family) {
    if (auto r = revoke_family(*family); !r) return r;
  } else {
    sql::statement s(db_.get(), "DELETE FROM access_tokens WHERE token_sha256 = ?1");
    s.bind(1, key);
    if (auto r = db_.run(s); !r) return r;
  }
  return tx.commit();
}

result<std::size_t> grant_store::sweep(std::int64_t now) {
  std::lock_guard lock(mutex_);
  transaction tx(db_);
  if (!tx.begun()) return tx.begun().error();
  std::size_t removed = 0;
  for (const char* table :
       {"pending_consents", "authorization_codes", "access_tokens", "refresh_tokens"}) {
    sql::statement s(db_.get(), std::string("DELETE FROM ") + table + " WHERE expires_at <= ?1");
    s.bind(1, now);
    if (auto r = db_.run(s); !r) return r.error();
    removed += static_cast<std::size_t>(sqlite3_changes(db_.get()));
  }
  if (auto r = tx.commit(); !r) return r.error();
  return removed;
}

}  // namespace parley::oauth
