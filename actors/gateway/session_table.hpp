#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "actors/gateway/credentials.hpp"
#include "actors/gateway/gateway.hpp"
#include "actors/gateway/owner_quota.hpp"
#include "actors/gateway/profile_catalog.hpp"
#include "actors/transport/http/streamable_http.hpp"

namespace parley {

/// A session of this gateway: what the Streamable HTTP rules know of it,
/// and whose it is.
struct hosted_session : streamable_http::session {
  std::string owner;
  session_id number = 0;
  /// The credential that opened it (a token's SHA-256, or a grant's): no
  /// other may use it.
  std::string principal_key;
  std::chrono::steady_clock::time_point last_activity = std::chrono::steady_clock::now();
};

/// The gateway's sessions: opened within the gateway's and each owner's
/// limits, found by id for the credential that opened them, and forgotten
/// however they end (DELETE, expiry, a failure, shutdown). Thread-safe.
class session_table : public std::enable_shared_from_this<session_table> {
 public:
  session_table(const parley_config& cfg, gateway_runtime rt,
                std::shared_ptr<const profile_catalog> catalog, std::shared_ptr<owner_quota> quota);

  /// A new session for `who`, or the refusal: 503 when the gateway holds
  /// `max_sessions`, 429 when the owner holds its maximum.
  [[nodiscard]] std::variant<std::shared_ptr<streamable_http::session>, http::response> open(
      const principal& who);
  /// The session with this id opened by `principal_key`, or nullptr; marks
  /// it active.
  [[nodiscard]] std::shared_ptr<hosted_session> find(const std::string& id,
                                                     const std::string& principal_key);
  /// Ends the session (it says goodbye), if it still exists.
  void end(const std::string& id);
  /// Ends the sessions idle past `session_idle_timeout_s` with nothing in
  /// flight.
  void expire_idle();
  /// Forgets every session and returns them, for a graceful stop.
  [[nodiscard]] std::vector<std::shared_ptr<hosted_session>> take_all();

  [[nodiscard]] std::size_t size() const;
  [[nodiscard]] std::uint64_t created() const { return created_.load(); }
  /// Channel events dropped for slow readers, over the open sessions.
  [[nodiscard]] std::uint64_t dropped_events() const;

 private:
  std::shared_ptr<hosted_session> create(const principal& who, const catalog_entry& entry);
  session_spec spec_for(const hosted_session& s, const principal& who, const catalog_entry& entry);
  void end(const std::shared_ptr<hosted_session>& s);

  gateway_config cfg_;
  parley_config base_;
  gateway_runtime rt_;
  std::shared_ptr<const profile_catalog> catalog_;
  std::shared_ptr<owner_quota> quota_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<hosted_session>> sessions_;
  std::atomic<session_id> next_number_{1};
  std::atomic<std::uint64_t> created_{0};
};

/// The sessions of one credential, as the Streamable HTTP rules ask for them.
class principal_sessions final : public streamable_http::session_directory {
 public:
  principal_sessions(session_table& table, const principal& who) : table_(table), who_(who) {}
  std::variant<std::shared_ptr<streamable_http::session>, http::response> open() override {
    return table_.open(who_);
  }
  std::shared_ptr<streamable_http::session> find(const std::string& id) override {
    return table_.find(id, who_.key);
  }
  void end(const streamable_http::session& s) override { table_.end(s.id); }

 private:
  session_table& table_;
  const principal& who_;
};

}  // namespace parley
