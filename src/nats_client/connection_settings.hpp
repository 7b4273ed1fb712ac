#pragma once

#include <optional>
#include <string>
#include <vector>

#include "src/error/result.hpp"

namespace parley::nats {

/// How to reach and authenticate to NATS: the part of a NATS client's
/// configuration the NATS backend (`backend_config`) and the NATS agent
/// (`nats_agent:`) share, and what a NATS CLI context file holds.
struct connection_settings {
  std::vector<std::string> servers;
  std::optional<std::string> user;
  std::optional<std::string> password;
  std::optional<std::string> token;
  /// A .creds file (JWT + NKey seed).
  std::optional<std::string> creds;
  std::optional<std::string> tls_cert;
  std::optional<std::string> tls_key;
  std::optional<std::string> tls_ca;
};

/// A server list as NATS writes it, "nats://a:4222,nats://b:4222" or
/// "a:4222", split into its URLs (spaces dropped).
[[nodiscard]] std::vector<std::string> split_servers(const std::string& s);

/// Reads the NATS CLI context NAME from
/// ${XDG_CONFIG_HOME:-~/.config}/nats/context/NAME.json (url, user,
/// password, token, creds, cert, key, ca; `nkey` is refused with a clear
/// message: cnats needs the public key beside the seed).
[[nodiscard]] result<connection_settings> read_context(const std::string& name);

}  // namespace parley::nats
