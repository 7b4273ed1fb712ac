#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "src/config/value.hpp"

namespace parley::matrix {

/// `backend_config.appservice`: run as an application service, so that
/// each handle posts as its own Matrix user `@parley_<handle>:<server_name>`.
struct appservice_config {
  /// What we send the homeserver (as our access token); also from
  /// `as_token_env` (default `$PARLEY_MATRIX_AS_TOKEN`).
  std::string as_token;
  /// What the homeserver sends us with each transaction; also from
  /// `hs_token_env` (default `$PARLEY_MATRIX_HS_TOKEN`).
  std::string hs_token;
  /// Where our transaction listener binds (`127.0.0.1:<port>`); empty: no
  /// listener, live delivery through /sync alone.
  std::string listen_host;
  int listen_port = 0;
  /// The appservice's own user, which creates and joins the rooms.
  std::string sender_localpart = "parley_bridge";
};

/// `backend_config` of the Matrix backend. The first six keys are the
/// original's, with its defaults; the rest are ours. Secrets (`password`,
/// `access_token`) never appear in a log line or an error.
struct matrix_config {
  /// The homeserver's base URL, trailing `/` stripped.
  std::string homeserver_url = "http://127.0.0.1:8008";
  /// The account's localpart (or full MXID) for password login.
  std::string user = "parley";
  /// From `password`, else `$PARLEY_MATRIX_PASSWORD` (or the variable named
  /// by `password_env`), else the original's default `parleypass`.
  std::string password = "parleypass";
  /// True when the password is the built-in default.
  bool default_password = true;
  /// The domain in room aliases: `#parley_<topic>:<server_name>`.
  std::string server_name = "parley.local";
  /// How long one /sync long-poll waits on the server.
  std::int64_t sync_timeout_ms = 25000;
  /// Every topic in this one room (alias localpart), told apart by the
  /// untrusted `app.parley.topic` key: for tests against rate-limited servers.
  std::optional<std::string> shared_room;
  /// Log in without a password (homeservers that refuse m.login.password):
  /// from `access_token`, else `$PARLEY_MATRIX_ACCESS_TOKEN` (or the variable
  /// named by `access_token_env`). Empty: password login.
  std::string access_token;
  /// The MXID the token belongs to; checked against /account/whoami when set.
  std::string user_id;
  /// The longest an ordinary request may take.
  std::int64_t request_timeout_ms = 30000;
  /// Events a /sync timeline carries per room before it is `limited`.
  std::int64_t sync_timeline_limit = 100;

  /// Application-service mode, when configured.
  std::optional<appservice_config> appservice;

  /// True when an access token replaces password login.
  [[nodiscard]] bool token_login() const noexcept { return !access_token.empty(); }

  /// Reads and validates; problems carry paths under `backend_config`.
  [[nodiscard]] static matrix_config parse(const config::value& v, std::vector<config::problem>& problems);
};

}  // namespace parley::matrix
