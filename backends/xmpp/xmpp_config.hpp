#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "src/config/value.hpp"

namespace parley::xmpp {

/// How the stream is secured.
enum class tls_mode {
  /// STARTTLS when the server offers it (libstrophe's default); plain only on
  /// a loopback server that offers none.
  starttls,
  /// TLS from the first byte (`xmpps://`, XEP-0368 direct TLS).
  direct,
  /// Never (`tls: false`): only for a server on the loopback interface.
  off,
};

/// `backend_config` of the XMPP backend. The first six keys are the
/// original's, with its defaults; the rest are ours.
struct xmpp_config {
  /// Where the server listens: `xmpp://host[:port]` (port 5222 by default)
  /// or `xmpps://host[:port]` for direct TLS (5223).
  std::string host = "127.0.0.1";
  int port = 5222;
  /// The account's domain: the JID is `<username>@<domain>`.
  std::string domain = "parley.local";
  /// The MUC service hosting one room per topic.
  std::string muc_service = "muc.parley.local";
  std::string username = "parley";
  /// From `password`, else `$PARLEY_XMPP_PASSWORD` (or the variable named by
  /// `password_env`), else the original's default `parleypass` with a warning.
  std::string password = "parleypass";
  /// True when the password is the built-in default.
  bool default_password = true;
  /// The room nickname: sender of every message this connection posts.
  /// Default `<username>-<10 random base36 characters>`, as the original.
  std::string nick;
  tls_mode tls = tls_mode::starttls;
  /// The longest a join, a post's reflection or an archive query may take.
  std::int64_t timeout_ms = 15000;
  /// How often each joined room is self-pinged (XEP-0410) to notice that the
  /// server forgot us, e.g. after a restart; 0 turns it off.
  std::int64_t self_ping_ms = 30000;
  /// Largest stanza the server accepts (Prosody's c2s_stanza_size_limit,
  /// 256 KiB by default); larger posts are refused before sending.
  std::int64_t max_stanza_bytes = 256 * 1024;
  /// First delay before reconnecting after a loss, in ms; doubles per failed
  /// attempt up to `reconnect_max_ms`, each delay jittered.
  std::int64_t reconnect_min_ms = 100;
  std::int64_t reconnect_max_ms = 5000;

  /// `<username>@<domain>`.
  [[nodiscard]] std::string jid() const { return username + "@" + domain; }
  /// `host:port`, for messages (never credentials).
  [[nodiscard]] std::string describe() const { return host + ":" + std::to_string(port); }

  /// Reads and validates; problems carry paths under `backend_config`.
  [[nodiscard]] static xmpp_config parse(const config::value& v, std::vector<config::problem>& problems);
};

/// `<username>-<10 random base36 characters>`.
[[nodiscard]] std::string random_nick(const std::string& username);

}  // namespace parley::xmpp
