#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "src/error/result.hpp"
#include "src/util/sqlite.hpp"

namespace parley::oauth {

/// A client registered through /register (RFC 7591).
struct client_record {
  std::string client_id;
  /// SHA-256 hex of the client secret; empty for a public client (`none`).
  std::string secret_sha256;
  std::string auth_method;
  std::vector<std::string> redirect_uris;
  std::string client_name;
  /// The registered metadata, JSON object members without braces.
  std::string metadata_json;
  std::int64_t issued_at = 0;
};

/// An /authorize request waiting for the owner to sign in on the consent page.
struct pending_consent {
  std::string client_id;
  std::string redirect_uri;
  std::string code_challenge;
  /// nullopt when the client sent none (then none is echoed).
  std::optional<std::string> state;
  std::vector<std::string> scopes;
  std::string resource;
  /// SHA-256 hex of the CSRF token the page carries.
  std::string csrf_sha256;
  std::int64_t expires_at = 0;
};

/// An issued authorization code: what it will be exchanged for.
struct code_grant {
  std::string client_id;
  std::string redirect_uri;
  std::string code_challenge;
  std::string owner;
  std::string profile;
  std::vector<std::string> scopes;
  std::string resource;
  std::int64_t expires_at = 0;
};

/// What an access or refresh token stands for. Every token minted from one
/// authorization code shares its `family_id`.
struct token_grant {
  std::string family_id;
  std::string owner;
  std::string profile;
  std::string client_id;
  std::vector<std::string> scopes;
  std::string resource;
  std::int64_t expires_at = 0;
};

/// One refresh-token exchange, done atomically by rotate_refresh.
struct refresh_exchange {
  std::string refresh_token;
  std::string client_id;
  std::int64_t now = 0;
  /// The `scope` parameter, if given: must be a subset of the grant's.
  std::optional<std::vector<std::string>> scopes;
  std::string new_access_token;
  std::string new_refresh_token;
  std::int64_t access_expires_at = 0;
  std::int64_t refresh_expires_at = 0;
};

enum class refresh_status {
  /// The old token is spent, the new pair is stored.
  rotated,
  /// Unknown, expired, or issued to another client: nothing changed.
  invalid,
  /// Already rotated once: a copy is in someone else's hands, so the whole
  /// family (every access and refresh token) was revoked.
  reused,
  /// More scope than the grant holds; the token stays usable.
  scope_exceeded,
};

struct refresh_outcome {
  refresh_status status = refresh_status::invalid;
  /// The new access token's grant, when rotated.
  token_grant access;
};

/// Limits of the store.
struct grant_store_options {
  /// Registered clients kept; registering one more evicts the oldest.
  std::size_t max_clients = 1000;
  /// Pending consents kept (each /authorize makes one until signed in or
  /// expired); beyond it the oldest go.
  std::size_t max_pending = 10000;
};

/// The gateway's own SQLite state: clients, pending consents, codes, access
/// and refresh tokens, so a restart keeps every grant. Secret values (tokens,
/// codes, consent handles, CSRF tokens, client secrets) are stored only as
/// SHA-256: a copy of the file grants nothing. Expiry is the caller's rule:
/// lookups return rows as stored, with expires_at, and `sweep` deletes the
/// expired ones. Thread-safe: one mutex around the connection, as HTTP
/// handler threads call it concurrently. Errors are errc::io_error with
/// SQLite's message.
class grant_store {
 public:
  /// Opens (creating if absent) the database at `path`: WAL, schema
  /// versioned with PRAGMA user_version. errc::invalid_config for a file
  /// written by a newer schema.
  [[nodiscard]] static result<std::unique_ptr<grant_store>> open(const std::string& path,
                                                                 grant_store_options options = {});

  [[nodiscard]] result<void> add_client(const client_record& client);
  [[nodiscard]] result<std::optional<client_record>> find_client(const std::string& client_id);
  [[nodiscard]] result<std::size_t> client_count();

  [[nodiscard]] result<void> add_pending(const std::string& handle, const pending_consent& pending);
  [[nodiscard]] result<std::optional<pending_consent>> find_pending(const std::string& handle);
  /// True when this call removed it: of two concurrent approvals of one
  /// request, only one wins.
  [[nodiscard]] result<bool> remove_pending(const std::string& handle);

  [[nodiscard]] result<void> add_code(const std::string& code, const code_grant& grant);
  /// Returns the code's grant and deletes it in the same step: a code is
  /// spent by any exchange attempt, whatever its outcome.
  [[nodiscard]] result<std::optional<code_grant>> take_code(const std::string& code);

  /// Stores a new access/refresh pair of one family.
  [[nodiscard]] result<void> add_tokens(const std::string& access_token, const token_grant& access,
                                        const std::string& refresh_token,
                                        const token_grant& refresh);
  [[nodiscard]] result<std::optional<token_grant>> find_access(const std::string& access_token);
  /// Refresh-token rotation (OAuth 2.1 §4.3.1): on success the old refresh
  /// token is marked rotated (kept until it expires, to recognize reuse),
  /// the family's access tokens are revoked and the new pair stored.
  [[nodiscard]] result<refresh_outcome> rotate_refresh(const refresh_exchange& exchange);
  /// RFC 7009: an access token is deleted; a refresh token takes its whole
  /// family with it. Unknown tokens are no error.
  [[nodiscard]] result<void> revoke(const std::string& token);
  /// Revokes every access and refresh token of a family (a replayed
  /// authorization code takes down what it bought). Unknown: no error.
  [[nodiscard]] result<void> revoke_whole_family(const std::string& family_id);

  /// Deletes every row expired at `now`; returns how many.
  [[nodiscard]] result<std::size_t> sweep(std::int64_t now);

 private:
  grant_store(sqlite::connection db, grant_store_options options)
      : db_(std::move(db)), options_(options) {}
  result<void> revoke_family(const std::string& family_id);
  result<void> insert_token(std::string_view table, const std::string& token,
                            const token_grant& grant);

  std::mutex mutex_;
  sqlite::connection db_;
  grant_store_options options_;
};

/// `a b c` ↔ {a, b, c}: how scopes travel and are stored.
[[nodiscard]] std::string join_scopes(const std::vector<std::string>& scopes);
[[nodiscard]] std::vector<std::string> split_scopes(std::string_view text);

}  // namespace parley::oauth
